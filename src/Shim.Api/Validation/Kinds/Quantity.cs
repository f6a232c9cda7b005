using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Shim.Api.Validation.Kinds;

/// <summary>A resource.Quantity as written ("500m", "1Gi", 2): its value and original text.</summary>
public readonly partial record struct Quantity(decimal Value, string Text)
{
    public const string FormatError = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

    [GeneratedRegex("^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$")]
    private static partial Regex Syntax();

    public int Sign => Math.Sign(Value);

    public bool IsInteger => Value == decimal.Truncate(Value);

    public override string ToString() => Text;

    public static bool TryRead(JsonNode? node, out Quantity quantity)
    {
        quantity = default;
        if (node is not JsonValue v)
        {
            return false;
        }

        if (v.GetValueKind() == JsonValueKind.Number)
        {
            var text = v.ToJsonString();
            return TryParse(text, out quantity);
        }

        return v.TryGetValue<string>(out var s) && TryParse(s, out quantity);
    }

    public static bool TryParse(string text, out Quantity quantity)
    {
        quantity = default;
        var m = Syntax().Match(text);
        if (!m.Success)
        {
            return false;
        }

        var number = m.Groups[1].Value;
        var suffix = m.Groups[2].Value;
        if (number.Count(c => c == '.') > 1 || number.TrimStart('+', '-') is "." or "")
        {
            return false;
        }

        if (!decimal.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        try
        {
            switch (suffix)
            {
                case "":
                    break;
                case "n": value /= 1_000_000_000m; break;
                case "u": value /= 1_000_000m; break;
                case "m": value /= 1000m; break;
                case "k": value *= 1000m; break;
                case "M": value *= 1_000_000m; break;
                case "G": value *= 1_000_000_000m; break;
                case "T": value *= 1_000_000_000_000m; break;
                case "P": value *= 1_000_000_000_000_000m; break;
                case "E": value *= 1_000_000_000_000_000_000m; break;
                case "Ki": value *= 1024m; break;
                case "Mi": value *= 1024m * 1024; break;
                case "Gi": value *= 1024m * 1024 * 1024; break;
                case "Ti": value *= 1024m * 1024 * 1024 * 1024; break;
                case "Pi": value *= 1024m * 1024 * 1024 * 1024 * 1024; break;
                case "Ei": value *= 1024m * 1024 * 1024 * 1024 * 1024 * 1024; break;
                default:
                    if (suffix[0] is not ('e' or 'E') || !int.TryParse(suffix[1..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exponent))
                    {
                        return false;
                    }

                    value = exponent >= 0
                        ? value * Pow10(Math.Min(exponent, 28))
                        : value / Pow10(Math.Min(-exponent, 28));
                    break;
            }
        }
        catch (OverflowException)
        {
            value = number.StartsWith('-') ? decimal.MinValue : decimal.MaxValue;
        }

        quantity = new Quantity(value, text);
        return true;
    }

    private static decimal Pow10(int n)
    {
        var r = 1m;
        for (var i = 0; i < n; i++)
        {
            r *= 10m;
        }

        return r;
    }
}
