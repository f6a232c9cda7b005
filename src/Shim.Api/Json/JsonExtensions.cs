using System.Text.Json.Nodes;

namespace Shim.Api.Json;

/// <summary>Small, null-safe accessors for objects held as JSON.</summary>
public static class JsonExtensions
{
    /// <summary>The node at a path of property names, or null.</summary>
    public static JsonNode? At(this JsonNode? node, params string[] path)
    {
        foreach (var segment in path)
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(segment, out node))
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>The value at a path rendered as a string (strings as-is, numbers and booleans as JSON text), or null.</summary>
    public static string? Str(this JsonNode? node, params string[] path)
    {
        var value = node.At(path);
        if (value is not JsonValue v)
        {
            return null;
        }

        return v.TryGetValue<string>(out var s) ? s : v.ToJsonString();
    }

    public static long? Long(this JsonNode? node, params string[] path)
    {
        if (node.At(path) is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.Number)
        {
            return null;
        }

        // Values built in memory hold their CLR type (int, long, double); parsed ones convert freely.
        if (v.TryGetValue<long>(out var l))
        {
            return l;
        }

        return long.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out l) ? l : null;
    }

    /// <summary>The object at a path, created (with intermediate objects) when missing.</summary>
    public static JsonObject Ensure(this JsonObject node, params string[] path)
    {
        var current = node;
        foreach (var segment in path)
        {
            if (current[segment] is not JsonObject next)
            {
                next = new JsonObject();
                current[segment] = next;
            }

            current = next;
        }

        return current;
    }

    public static JsonObject Metadata(this JsonObject obj) => obj.Ensure("metadata");

    public static Dictionary<string, string> StringMap(this JsonNode? node)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is JsonObject o)
        {
            foreach (var (key, value) in o)
            {
                result[key] = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? "";
            }
        }

        return result;
    }
}
