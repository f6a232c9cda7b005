using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shim.Api.Validation.Kinds;

/// <summary>
/// Tolerant readers over objects in JSON form, with Go zero-value semantics: a missing string reads as "",
/// a missing list as empty; the "OrNull" variants keep pointer semantics.
/// </summary>
public static class Js
{
    private static readonly JsonNode?[] Empty = [];

    public static JsonObject? Obj(this JsonNode? node, string key) =>
        node is JsonObject o && o.TryGetPropertyValue(key, out var v) && v is JsonObject child ? child : null;

    public static IList<JsonNode?> List(this JsonNode? node, string key) =>
        node is JsonObject o && o.TryGetPropertyValue(key, out var v) && v is JsonArray a ? a : Empty;

    public static bool IsSet(this JsonNode? node, string key) =>
        node is JsonObject o && o.TryGetPropertyValue(key, out var v) && v is not null;

    /// <summary>A present, non-empty list or object (Go: non-nil and len &gt; 0).</summary>
    public static bool HasItems(this JsonNode? node, string key) =>
        node is JsonObject o && o.TryGetPropertyValue(key, out var v) && v switch
        {
            JsonArray a => a.Count > 0,
            JsonObject m => m.Count > 0,
            null => false,
            _ => true,
        };

    public static string Text(this JsonNode? node, string key) => TextOrNull(node, key) ?? "";

    public static string? TextOrNull(this JsonNode? node, string key) =>
        node is JsonObject o && o.TryGetPropertyValue(key, out var v) ? AsText(v) : null;

    public static string? AsText(JsonNode? value) => value switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => value.ToJsonString(),
    };

    public static long? Num(this JsonNode? node, string key) =>
        node is JsonObject o && o.TryGetPropertyValue(key, out var v) ? AsLong(v) : null;

    public static long? AsLong(JsonNode? value)
    {
        if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }

        if (v.TryGetValue<long>(out var l))
        {
            return l;
        }

        if (v.TryGetValue<int>(out var i))
        {
            return i;
        }

        var text = v.ToJsonString();
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out l))
        {
            return l;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && Math.Abs(d) < 9.2e18
            ? (long)Math.Truncate(d)
            : null;
    }

    public static bool Flag(this JsonNode? node, string key) => FlagOrNull(node, key) ?? false;

    public static bool? FlagOrNull(this JsonNode? node, string key) =>
        node is JsonObject o && o.TryGetPropertyValue(key, out var v) && v is JsonValue jv && jv.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? jv.GetValueKind() == JsonValueKind.True
            : null;

    /// <summary>String entries of a map (non-string values rendered as JSON).</summary>
    public static IEnumerable<KeyValuePair<string, string>> Map(this JsonNode? node, string key) => MapOf(Obj(node, key));

    public static IEnumerable<KeyValuePair<string, string>> MapOf(JsonObject? map)
    {
        if (map is null)
        {
            yield break;
        }

        foreach (var (k, v) in map)
        {
            yield return new KeyValuePair<string, string>(k, AsText(v) ?? "");
        }
    }

    public static Dictionary<string, string> Dict(JsonObject? map) =>
        MapOf(map).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    /// <summary>The value as upstream renders a composite bad value: compact JSON, map keys sorted.</summary>
    public static RawValue Render(JsonNode? node) => new(RenderText(node, sortKeys: false));

    /// <summary>A string map (labels, selectors) rendered as JSON with sorted keys, as Go marshals maps.</summary>
    public static RawValue RenderMap(JsonNode? node) => new(RenderText(node, sortKeys: true));

    public static RawValue RenderList(IEnumerable<string> items) =>
        new("[" + string.Join(",", items.Select(i => JsonSerializer.Serialize(i))) + "]");

    private static string RenderText(JsonNode? node, bool sortKeys)
    {
        if (node is null)
        {
            return "null";
        }

        if (!sortKeys || node is not JsonObject o)
        {
            return node.ToJsonString();
        }

        var sb = new StringBuilder("{");
        var first = true;
        foreach (var (k, v) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!first)
            {
                sb.Append(',');
            }

            first = false;
            sb.Append(JsonSerializer.Serialize(k)).Append(':').Append(RenderText(v, true));
        }

        return sb.Append('}').ToString();
    }

    /// <summary>
    /// Semantic equality as upstream compares API objects: null, absent, empty lists and empty maps are equal;
    /// numbers compare by value.
    /// </summary>
    public static bool Same(JsonNode? a, JsonNode? b)
    {
        if (IsZero(a) && IsZero(b))
        {
            return true;
        }

        switch (a)
        {
            case JsonObject oa when b is JsonObject ob:
                foreach (var (k, v) in oa)
                {
                    if (!Same(v, ob.TryGetPropertyValue(k, out var w) ? w : null))
                    {
                        return false;
                    }
                }

                foreach (var (k, w) in ob)
                {
                    if (!oa.ContainsKey(k) && !IsZero(w))
                    {
                        return false;
                    }
                }

                return true;
            case JsonArray la when b is JsonArray lb:
                if (la.Count != lb.Count)
                {
                    return false;
                }

                for (var i = 0; i < la.Count; i++)
                {
                    if (!Same(la[i], lb[i]))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValue va when b is JsonValue vb:
                var ka = va.GetValueKind();
                var kb = vb.GetValueKind();
                if (ka == JsonValueKind.Number && kb == JsonValueKind.Number)
                {
                    return decimal.TryParse(va.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var da)
                        && decimal.TryParse(vb.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var db)
                        ? da == db
                        : va.ToJsonString() == vb.ToJsonString();
                }

                return ka == kb && va.ToJsonString() == vb.ToJsonString();
            default:
                return false;
        }
    }

    /// <summary>Go zero values: null, "", false, 0, empty lists and maps (objects whose members are all zero).</summary>
    private static bool IsZero(JsonNode? node) => node switch
    {
        null => true,
        JsonArray a => a.Count == 0,
        JsonObject o => o.All(p => IsZero(p.Value)),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>().Length == 0,
            JsonValueKind.False or JsonValueKind.Null => true,
            JsonValueKind.Number => v.ToJsonString() is "0" or "0.0",
            _ => false,
        },
        _ => false,
    };

    /// <summary>A deep copy of an object, or an empty object.</summary>
    public static JsonObject Clone(JsonObject? obj) => obj?.DeepClone() as JsonObject ?? new JsonObject();
}
