using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shim.Printing.Formatting;

/// <summary>
/// resource.Quantity in canonical form ("1000m" → "1", "1024Mi" → "1Gi", "0.5" → "500m"), because the API
/// server parses quantities and prints the canonical string, not what the client sent.
/// </summary>
internal static class Quantity
{
    private enum Kind { DecimalSI, BinarySI, DecimalExponent }

    private static readonly Dictionary<string, int> DecimalSuffixes = new(StringComparer.Ordinal)
    {
        ["n"] = -9, ["u"] = -6, ["m"] = -3, [""] = 0, ["k"] = 3, ["M"] = 6, ["G"] = 9, ["T"] = 12, ["P"] = 15, ["E"] = 18,
    };

    private static readonly string[] BinarySuffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

    private static readonly BigInteger Nano = BigInteger.Pow(10, 9);

    /// <summary>The canonical text of a quantity node; "0" when absent (Go's zero Quantity).</summary>
    public static string Format(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Canonical(v.GetValue<string>()),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => Canonical(v.ToJsonString()),
        _ => "0",
    };

    /// <summary>Like <see cref="Format"/> but "&lt;nil&gt;" when absent, as Go prints a nil *Quantity.</summary>
    public static string FormatPointer(JsonNode? node) => node is null ? "<nil>" : Format(node);

    /// <summary>Canonical form of <paramref name="text"/>; unparsable text is returned unchanged.</summary>
    public static string Canonical(string text)
    {
        if (!TryParse(text.Trim(), out var nanos, out var kind))
        {
            return text;
        }
        if (nanos.IsZero)
        {
            return "0";
        }

        var negative = nanos.Sign < 0;
        var magnitude = BigInteger.Abs(nanos);

        // Binary form only for whole values of at least 1024; anything else would need rounding or look odd.
        if (kind == Kind.BinarySI && (magnitude < 1024 * Nano || !(magnitude % Nano).IsZero))
        {
            kind = Kind.DecimalSI;
        }

        string digits, suffix;
        if (kind == Kind.BinarySI)
        {
            var amount = magnitude / Nano;
            var power = 0;
            while (power < BinarySuffixes.Length - 1 && (amount % 1024).IsZero)
            {
                amount /= 1024;
                power++;
            }
            digits = amount.ToString(CultureInfo.InvariantCulture);
            suffix = BinarySuffixes[power];
        }
        else
        {
            var amount = magnitude;
            var exponent = -9;
            while ((amount % 10).IsZero)
            {
                amount /= 10;
                exponent++;
            }
            // Exponents are shown in multiples of three, rounding down.
            var rem = ((exponent % 3) + 3) % 3;
            amount *= BigInteger.Pow(10, rem);
            exponent -= rem;

            if (kind == Kind.DecimalExponent)
            {
                suffix = exponent == 0 ? "" : "e" + exponent.ToString(CultureInfo.InvariantCulture);
            }
            else
            {
                if (exponent > 18)
                {
                    amount *= BigInteger.Pow(10, exponent - 18);
                    exponent = 18;
                }
                suffix = DecimalSuffixes.First(p => p.Value == exponent).Key;
            }
            digits = amount.ToString(CultureInfo.InvariantCulture);
        }
        return (negative ? "-" : "") + digits + suffix;
    }

    /// <summary>Parses into an integer count of nano-units, rounding finer precision away from zero.</summary>
    private static bool TryParse(string s, out BigInteger nanos, out Kind kind)
    {
        nanos = BigInteger.Zero;
        kind = Kind.DecimalSI;
        var i = 0;
        var negative = false;
        if (i < s.Length && (s[i] == '+' || s[i] == '-'))
        {
            negative = s[i] == '-';
            i++;
        }
        var intStart = i;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }
        var intPart = s[intStart..i];
        var fracPart = "";
        if (i < s.Length && s[i] == '.')
        {
            i++;
            var fracStart = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }
            fracPart = s[fracStart..i];
        }
        if (intPart.Length == 0 && fracPart.Length == 0)
        {
            return false;
        }

        var suffix = s[i..];
        var mantissa = BigInteger.Parse("0" + intPart + fracPart, CultureInfo.InvariantCulture);
        var scale = -fracPart.Length; // value = mantissa * 10^scale (* 1024^binaryPower)
        var binaryPower = 0;
        if (DecimalSuffixes.TryGetValue(suffix, out var exp))
        {
            scale += exp;
        }
        else if (Array.IndexOf(BinarySuffixes, suffix) is > 0 and var power)
        {
            kind = Kind.BinarySI;
            binaryPower = power;
        }
        else if (suffix.Length > 1 && (suffix[0] == 'e' || suffix[0] == 'E') &&
                 int.TryParse(suffix.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var e))
        {
            kind = Kind.DecimalExponent;
            scale += e;
        }
        else
        {
            return false;
        }

        mantissa *= BigInteger.Pow(1024, binaryPower);
        var shift = scale + 9;
        if (shift > 100)
        {
            // Far beyond any real quantity; leave the text alone rather than build a huge number.
            return false;
        }
        if (shift < -100)
        {
            nanos = mantissa.IsZero ? BigInteger.Zero : BigInteger.One;
        }
        else if (shift >= 0)
        {
            nanos = mantissa * BigInteger.Pow(10, shift);
        }
        else
        {
            var divisor = BigInteger.Pow(10, -shift);
            nanos = BigInteger.DivRem(mantissa, divisor, out var rest);
            if (!rest.IsZero)
            {
                nanos += 1;
            }
        }
        if (negative)
        {
            nanos = -nanos;
        }
        return true;
    }
}
