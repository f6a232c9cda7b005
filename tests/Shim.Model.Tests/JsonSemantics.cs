using System.Collections;
using System.Reflection;
using System.Text.Json;

namespace Shim.Model.Tests;

/// <summary>JSON comparison by meaning: same properties with the same values, in any order.</summary>
internal static class JsonSemantics
{
    /// <summary>
    /// The first difference as "path: what", or null when equal. A property whose value is null counts as absent
    /// (upstream decodes both to the zero value and omits it on output, and so does the model).
    /// </summary>
    public static string? Difference(JsonElement expected, JsonElement actual, string path = "$")
    {
        if (expected.ValueKind != actual.ValueKind)
        {
            if (IsBool(expected) && IsBool(actual))
                return $"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}";
            return $"{path}: expected {expected.ValueKind} {Short(expected)}, got {actual.ValueKind} {Short(actual)}";
        }
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
            {
                var e = expected.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null).ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
                var a = actual.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null).ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
                foreach (var key in e.Keys.Order(StringComparer.Ordinal))
                {
                    if (!a.TryGetValue(key, out var av))
                        return $"{path}.{key}: missing in output";
                    if (Difference(e[key], av, $"{path}.{key}") is { } d)
                        return d;
                }
                var extra = a.Keys.Except(e.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal).FirstOrDefault();
                return extra is null ? null : $"{path}.{extra}: not in input";
            }
            case JsonValueKind.Array:
            {
                if (expected.GetArrayLength() != actual.GetArrayLength())
                    return $"{path}: expected {expected.GetArrayLength()} items, got {actual.GetArrayLength()}";
                var i = 0;
                foreach (var (e, a) in expected.EnumerateArray().Zip(actual.EnumerateArray()))
                {
                    if (Difference(e, a, $"{path}[{i++}]") is { } d)
                        return d;
                }
                return null;
            }
            case JsonValueKind.Number:
                return NumberEquals(expected, actual) ? null : $"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}";
            case JsonValueKind.String:
                return expected.GetString() == actual.GetString() ? null : $"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}";
            default:
                return null; // true/false/null of the same kind
        }
    }

    private static bool IsBool(JsonElement e) => e.ValueKind is JsonValueKind.True or JsonValueKind.False;

    private static bool NumberEquals(JsonElement e, JsonElement a)
    {
        if (e.TryGetDecimal(out var de) && a.TryGetDecimal(out var da))
            return de == da;
        return e.GetDouble().Equals(a.GetDouble());
    }

    private static string Short(JsonElement e)
    {
        var raw = e.GetRawText();
        return raw.Length > 80 ? raw[..80] + "..." : raw;
    }
}

/// <summary>Finds fields the model did not bind (anything that landed in an UnknownFields bag).</summary>
internal static class UnboundFields
{
    public static List<string> Find(object? value, string path = "$")
    {
        var found = new List<string>();
        Walk(value, path, found);
        return found;
    }

    private static void Walk(object? value, string path, List<string> found)
    {
        switch (value)
        {
            case null or string or byte[] or JsonElement:
                return;
            case IDictionary dict:
                foreach (DictionaryEntry entry in dict)
                    Walk(entry.Value, $"{path}[{entry.Key}]", found);
                return;
            case IList list:
                for (var i = 0; i < list.Count; i++)
                    Walk(list[i], $"{path}[{i}]", found);
                return;
        }
        var type = value.GetType();
        if (type.Assembly != typeof(ModelJson).Assembly || type.IsValueType)
            return;
        foreach (var prop in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var v = prop.GetValue(value);
            if (prop.Name == "UnknownFields" && v is IDictionary { Count: > 0 } extra)
                found.AddRange(extra.Keys.Cast<string>().Select(k => $"{path}.{k}"));
            else if (prop.Name != "UnknownFields")
                Walk(v, $"{path}.{prop.Name}", found);
        }
    }
}
