using System.Text.Json.Nodes;

namespace Shim.Printing.Formatting;

/// <summary>Metadata cells every printer needs.</summary>
internal static class Meta
{
    public static string Name(JsonObject obj) => Json.S(obj, "metadata", "name");

    public static string Age(JsonObject obj, DateTimeOffset now) =>
        HumanDuration.Since(Json.Time(obj, "metadata", "creationTimestamp"), now);

    /// <summary>True once deletion was requested (deletionTimestamp set).</summary>
    public static bool Deleting(JsonObject obj) => Json.Str(obj, "metadata", "deletionTimestamp") is { Length: > 0 };

    public static string? Annotation(JsonObject obj, string key) => Json.Str(obj, "metadata", "annotations", key);

    /// <summary>"True"/"False" for a set bool, "&lt;unset&gt;" when absent (Go's printBoolPtr).</summary>
    public static string BoolPtr(bool? value) => value switch
    {
        true => "True",
        false => "False",
        null => "<unset>",
    };

    /// <summary>Container names and images of a container list, each comma-joined.</summary>
    public static (string Names, string Images) ContainerCells(JsonArray? containers)
    {
        var list = containers?.OfType<JsonObject>().ToList() ?? [];
        return (string.Join(",", list.Select(c => Json.S(c, "name"))),
                string.Join(",", list.Select(c => Json.S(c, "image"))));
    }

    /// <summary>"a, b, …" plus " + N more..." once <paramref name="max"/> items are shown.</summary>
    public static string ListWithMore(IReadOnlyList<string> shown, bool more, int count, int max, string separator = ",")
    {
        var joined = string.Join(separator, shown);
        if (more)
        {
            return $"{joined} + {count - max} more...";
        }
        return joined.Length == 0 ? "<unset>" : joined;
    }
}
