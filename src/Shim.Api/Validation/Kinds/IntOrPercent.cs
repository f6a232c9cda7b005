using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>IntOrString values holding a count or a percentage (maxSurge, maxUnavailable, minAvailable).</summary>
public static class IntOrPercent
{
    public static object Render(JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<string>(out var s) ? s : Js.AsLong(value) ?? (object)"null";

    /// <summary>ValidatePositiveIntOrPercent.</summary>
    public static void ValidatePositive(JsonNode? value, string path, List<FieldError> errors)
    {
        if (value is JsonValue v && v.TryGetValue<string>(out var s))
        {
            Err.InvalidEach(errors, path, s, Formats.Percent(s));
        }
        else if (value is JsonValue n && n.GetValueKind() == JsonValueKind.Number)
        {
            Err.NonNegative(errors, path, Js.AsLong(value));
        }
        else if (value is not null)
        {
            errors.Add(Err.Invalid(path, Js.Render(value), "must be an integer or percentage (e.g '5%')"));
        }
    }

    /// <summary>The percentage of a valid percent string, else null.</summary>
    public static int? Percent(JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<string>(out var s) && Formats.Percent(s).Count == 0
            && int.TryParse(s[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var p)
            ? p
            : null;

    /// <summary>getIntOrPercentValue: the percentage, or the integer (0 for unparsable strings).</summary>
    public static long Value(JsonNode? value) => Percent(value) ?? Js.AsLong(value) ?? 0;

    public static void NotMoreThan100Percent(JsonNode? value, string path, List<FieldError> errors)
    {
        if (Percent(value) is > 100)
        {
            errors.Add(Err.Invalid(path, Render(value), "must not be greater than 100%"));
        }
    }
}
