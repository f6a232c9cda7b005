using System.Globalization;
using System.Text.Json.Nodes;

namespace Shim.Api.Tests.Validation;

/// <summary>Test-side edits of objects by dotted paths with indexes ("spec.containers[0].image").</summary>
internal static class JsonPath
{
    public static void Set(JsonObject root, string path, JsonNode? value)
    {
        var (parent, last) = Parent(root, path, create: true);
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a:
                var index = int.Parse(last, CultureInfo.InvariantCulture);
                while (a.Count <= index)
                {
                    a.Add(null);
                }

                a[index] = value;
                break;
        }
    }

    public static void SetJson(JsonObject root, string path, string json) => Set(root, path, JsonNode.Parse(json));

    public static void Remove(JsonObject root, string path)
    {
        var (parent, last) = Parent(root, path, create: false);
        switch (parent)
        {
            case JsonObject o:
                o.Remove(last);
                break;
            case JsonArray a:
                a.RemoveAt(int.Parse(last, CultureInfo.InvariantCulture));
                break;
        }
    }

    public static JsonNode? Get(JsonObject root, string path)
    {
        JsonNode? node = root;
        foreach (var segment in Segments(path))
        {
            node = node switch
            {
                JsonObject o => o[segment],
                JsonArray a => a[int.Parse(segment, CultureInfo.InvariantCulture)],
                _ => null,
            };
        }

        return node;
    }

    private static (JsonNode? Parent, string Last) Parent(JsonObject root, string path, bool create)
    {
        var segments = Segments(path).ToList();
        JsonNode? node = root;
        for (var i = 0; i < segments.Count - 1; i++)
        {
            var segment = segments[i];
            var nextIsIndex = int.TryParse(segments[i + 1], out _);
            JsonNode? child = node switch
            {
                JsonObject o => o[segment],
                JsonArray a => a[int.Parse(segment, CultureInfo.InvariantCulture)],
                _ => null,
            };
            if (child is null && create && node is JsonObject parentObject)
            {
                child = nextIsIndex ? new JsonArray() : new JsonObject();
                parentObject[segment] = child;
            }

            node = child;
        }

        return (node, segments[^1]);
    }

    private static IEnumerable<string> Segments(string path)
    {
        foreach (var part in path.Split('.'))
        {
            var bracket = part.IndexOf('[');
            if (bracket < 0)
            {
                yield return part;
                continue;
            }

            if (bracket > 0)
            {
                yield return part[..bracket];
            }

            foreach (var index in part[bracket..].Split(['[', ']'], StringSplitOptions.RemoveEmptyEntries))
            {
                yield return index;
            }
        }
    }
}
