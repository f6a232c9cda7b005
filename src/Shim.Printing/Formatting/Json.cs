using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shim.Printing.Formatting;

/// <summary>
/// Tolerant readers over Kubernetes JSON: a missing or wrongly typed field reads as null, because printers must
/// never throw on objects a client stored with odd shapes.
/// </summary>
internal static class Json
{
    public static JsonNode? Node(JsonNode? node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(key, out node))
            {
                return null;
            }
        }
        return node;
    }

    public static JsonObject? Obj(JsonNode? node, params string[] path) => Node(node, path) as JsonObject;

    public static JsonArray? Arr(JsonNode? node, params string[] path) => Node(node, path) as JsonArray;

    /// <summary>Array items that are objects, skipping nulls and scalars.</summary>
    public static IEnumerable<JsonObject> Objects(JsonNode? node, params string[] path) =>
        Arr(node, path)?.OfType<JsonObject>() ?? [];

    public static string? Str(JsonNode? node, params string[] path) =>
        Node(node, path) is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>The string or "" when absent: Go printers see unset strings as empty.</summary>
    public static string S(JsonNode? node, params string[] path) => Str(node, path) ?? "";

    public static long? Long(JsonNode? node, params string[] path)
    {
        if (Node(node, path) is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }
        // Parse the JSON text so int-, long- and element-backed values all work the same way.
        var text = v.ToJsonString();
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l))
        {
            return l;
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? (long)d : null;
    }

    /// <summary>The integer or 0 when absent: Go printers see unset int32 fields as 0.</summary>
    public static long L(JsonNode? node, params string[] path) => Long(node, path) ?? 0;

    public static bool? Bool(JsonNode? node, params string[] path) =>
        Node(node, path) is JsonValue v ? v.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        } : null;

    public static bool Has(JsonNode? node, params string[] path) => Node(node, path) is not null;

    /// <summary>A metav1.Time / MicroTime; null when absent, unparsable or Go's zero time.</summary>
    public static DateTimeOffset? Time(JsonNode? node, params string[] path)
    {
        var s = Str(node, path);
        if (string.IsNullOrEmpty(s) ||
            !DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
        {
            return null;
        }
        return t.UtcDateTime == DateTime.MinValue ? null : t;
    }

    /// <summary>Keys and string values of a map such as labels or nodeSelector.</summary>
    public static IEnumerable<KeyValuePair<string, string>> StringMap(JsonNode? node, params string[] path)
    {
        if (Obj(node, path) is not { } map)
        {
            yield break;
        }
        foreach (var (key, value) in map)
        {
            yield return new(key, value is JsonValue v && v.GetValueKind() == JsonValueKind.String
                ? v.GetValue<string>()
                : value?.ToJsonString() ?? "");
        }
    }

    public static int Count(JsonNode? node, params string[] path) => Node(node, path) switch
    {
        JsonObject o => o.Count,
        JsonArray a => a.Count,
        _ => 0,
    };

    /// <summary>An IntOrString as Go's String(): the number's digits or the string itself.</summary>
    public static string? IntOrString(JsonNode? node, params string[] path) => Node(node, path) switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => Long(v)?.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };
}
