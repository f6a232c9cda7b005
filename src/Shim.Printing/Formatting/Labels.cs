using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shim.Printing.Formatting;

/// <summary>Label maps and label selectors rendered the way apimachinery's labels package prints them.</summary>
internal static class Labels
{
    /// <summary>"k=v,k2=v2" sorted by key; "&lt;none&gt;" when empty.</summary>
    public static string FormatMap(JsonNode? map)
    {
        var pairs = Json.StringMap(map).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}");
        var s = string.Join(",", pairs);
        return s.Length == 0 ? "<none>" : s;
    }

    /// <summary>A metav1.LabelSelector as FormatLabelSelector shows it: "&lt;none&gt;" when it selects nothing
    /// or everything, "&lt;error&gt;" when malformed.</summary>
    public static string FormatSelector(JsonNode? selector)
    {
        var s = SelectorString(selector);
        return s switch
        {
            null => "<error>",
            "" => "<none>",
            _ => s,
        };
    }

    /// <summary>The selector's string form: "" for a nil or empty selector, null when it cannot be converted.</summary>
    public static string? SelectorString(JsonNode? selector)
    {
        if (selector is not JsonObject sel)
        {
            return "";
        }
        var requirements = new List<(string Key, string Text)>();
        foreach (var (key, value) in Json.StringMap(sel, "matchLabels"))
        {
            requirements.Add((key, $"{key}={value}"));
        }
        foreach (var expr in Json.Objects(sel, "matchExpressions"))
        {
            var key = Json.S(expr, "key");
            var values = (Json.Arr(expr, "values") ?? [])
                .Select(v => v is JsonValue jv && jv.GetValueKind() == JsonValueKind.String ? jv.GetValue<string>() : v?.ToJsonString() ?? "")
                .ToList();
            string text;
            switch (Json.S(expr, "operator"))
            {
                case "In" when values.Count > 0:
                    text = $"{key} in ({JoinSorted(values)})";
                    break;
                case "NotIn" when values.Count > 0:
                    text = $"{key} notin ({JoinSorted(values)})";
                    break;
                case "Exists" when values.Count == 0:
                    text = key;
                    break;
                case "DoesNotExist" when values.Count == 0:
                    text = "!" + key;
                    break;
                default:
                    // Unknown operator or values that do not fit it: the selector cannot be built.
                    return null;
            }
            requirements.Add((key, text));
        }
        // Requirements are kept sorted by key; the sort is stable so same-key entries keep source order.
        return string.Join(",", requirements.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Text));
    }

    private static string JoinSorted(List<string> values) =>
        string.Join(",", values.Order(StringComparer.Ordinal));
}
