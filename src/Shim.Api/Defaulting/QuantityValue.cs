using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shim.Api.Defaulting;

/// <summary>How a resource quantity is written: its suffix family decides the canonical text.</summary>
internal enum QuantityFormat
{
    DecimalSI,
    BinarySI,
    DecimalExponent,
}

/// <summary>
/// An exact resource quantity (value = Mantissa × 10^Exponent) with the suffix family it was written in, enough
/// to add, compare, round up and print quantities the way the API server does in the few places defaulting
/// computes them (pod-level resources, QoS, sub-milli rounding).
/// </summary>
internal readonly record struct QuantityValue(BigInteger Mantissa, int Exponent, QuantityFormat Format)
{
    private const int NanoExponent = -9;

    private static readonly string[] BinarySuffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

    public static QuantityValue Zero => new(BigInteger.Zero, 0, QuantityFormat.DecimalSI);

    public bool IsZero => Mantissa.IsZero;

    public int Sign => Mantissa.Sign;

    /// <summary>Reads a quantity held as a JSON string or number.</summary>
    public static bool TryRead(JsonNode? node, out QuantityValue value)
    {
        value = Zero;
        if (node is not JsonValue v)
        {
            return false;
        }

        return v.GetValueKind() switch
        {
            JsonValueKind.String => TryParse(v.GetValue<string>(), out value),
            JsonValueKind.Number => TryParse(v.ToJsonString(), out value),
            _ => false,
        };
    }

    /// <summary>Parses the quantity grammar: a signed decimal number followed by an SI, binary or exponent suffix.</summary>
    public static bool TryParse(string? text, out QuantityValue value)
    {
        value = Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var s = text;
        var i = 0;
        var negative = false;
        if (s[i] is '+' or '-')
        {
            negative = s[i] == '-';
            i++;
        }

        var intStart = i;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }

        var integer = s[intStart..i];
        var fraction = "";
        if (i < s.Length && s[i] == '.')
        {
            i++;
            var fracStart = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            fraction = s[fracStart..i];
        }

        if (integer.Length == 0 && fraction.Length == 0)
        {
            return false;
        }

        var mantissa = BigInteger.Parse("0" + integer + fraction, NumberStyles.None, CultureInfo.InvariantCulture);
        var exponent = -fraction.Length;
        var suffix = s[i..];
        QuantityFormat format;
        switch (suffix)
        {
            case "":
                format = QuantityFormat.DecimalSI;
                break;
            case "n": exponent -= 9; format = QuantityFormat.DecimalSI; break;
            case "u": exponent -= 6; format = QuantityFormat.DecimalSI; break;
            case "m": exponent -= 3; format = QuantityFormat.DecimalSI; break;
            case "k": exponent += 3; format = QuantityFormat.DecimalSI; break;
            case "M": exponent += 6; format = QuantityFormat.DecimalSI; break;
            case "G": exponent += 9; format = QuantityFormat.DecimalSI; break;
            case "T": exponent += 12; format = QuantityFormat.DecimalSI; break;
            case "P": exponent += 15; format = QuantityFormat.DecimalSI; break;
            case "E": exponent += 18; format = QuantityFormat.DecimalSI; break;
            default:
                var power = Array.IndexOf(BinarySuffixes, suffix);
                if (power > 0)
                {
                    mantissa *= BigInteger.Pow(1024, power);
                    format = QuantityFormat.BinarySI;
                }
                else if (suffix.Length > 1 && suffix[0] is 'e' or 'E' && IsSignedInteger(suffix.AsSpan(1)) &&
                         int.TryParse(suffix.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var e) &&
                         Math.Abs(e) < 1000)
                {
                    exponent += e;
                    format = QuantityFormat.DecimalExponent;
                }
                else
                {
                    return false;
                }

                break;
        }

        if (negative)
        {
            mantissa = -mantissa;
        }

        // Quantities carry at most nano precision; finer values round up (away from zero).
        value = new QuantityValue(mantissa, exponent, format).RoundUpTo(NanoExponent).Normalized();
        return true;
    }

    /// <summary>This plus <paramref name="other"/>, keeping this quantity's format unless this one is zero.</summary>
    public QuantityValue Add(QuantityValue other)
    {
        var exponent = Math.Min(Exponent, other.Exponent);
        var sum = Mantissa * BigInteger.Pow(10, Exponent - exponent) + other.Mantissa * BigInteger.Pow(10, other.Exponent - exponent);
        var format = IsZero ? other.Format : Format;
        return new QuantityValue(sum, exponent, format).Normalized();
    }

    public int CompareTo(QuantityValue other)
    {
        var exponent = Math.Min(Exponent, other.Exponent);
        var a = Mantissa * BigInteger.Pow(10, Exponent - exponent);
        var b = other.Mantissa * BigInteger.Pow(10, other.Exponent - exponent);
        return a.CompareTo(b);
    }

    /// <summary>The value rounded away from zero to a multiple of 10^<paramref name="exponent"/>.</summary>
    public QuantityValue RoundUpTo(int exponent)
    {
        if (Exponent >= exponent)
        {
            return this;
        }

        var divisor = BigInteger.Pow(10, exponent - Exponent);
        var quotient = BigInteger.DivRem(Mantissa, divisor, out var remainder);
        if (!remainder.IsZero)
        {
            quotient += Mantissa.Sign;
        }

        return new QuantityValue(quotient, exponent, Format).Normalized();
    }

    /// <summary>The canonical text the API server prints for this quantity ("1500m", "1Gi", "2", "1e3").</summary>
    public string ToCanonicalString()
    {
        if (IsZero)
        {
            return "0";
        }

        var format = Format;
        if (format == QuantityFormat.BinarySI)
        {
            var whole = Exponent >= 0;
            var magnitude = BigInteger.Abs(Mantissa) * (whole ? BigInteger.Pow(10, Exponent) : BigInteger.One);
            if (!whole || magnitude < 1024)
            {
                format = QuantityFormat.DecimalSI;
            }
            else
            {
                var power = 0;
                while (power < BinarySuffixes.Length - 1 && (magnitude % 1024).IsZero)
                {
                    magnitude /= 1024;
                    power++;
                }

                return (Mantissa.Sign < 0 ? "-" : "") + magnitude.ToString(CultureInfo.InvariantCulture) + BinarySuffixes[power];
            }
        }

        var mantissa = Mantissa;
        var exponent = Exponent;
        var shift = ((exponent % 3) + 3) % 3;
        mantissa *= BigInteger.Pow(10, shift);
        exponent -= shift;
        var digits = mantissa.ToString(CultureInfo.InvariantCulture);
        if (format == QuantityFormat.DecimalSI)
        {
            var suffix = exponent switch
            {
                -9 => "n",
                -6 => "u",
                -3 => "m",
                0 => "",
                3 => "k",
                6 => "M",
                9 => "G",
                12 => "T",
                15 => "P",
                18 => "E",
                _ => null,
            };
            if (suffix is not null)
            {
                return digits + suffix;
            }
        }

        return exponent == 0 ? digits : digits + "e" + exponent.ToString(CultureInfo.InvariantCulture);
    }

    private QuantityValue Normalized()
    {
        if (Mantissa.IsZero)
        {
            return new QuantityValue(BigInteger.Zero, 0, Format);
        }

        var mantissa = Mantissa;
        var exponent = Exponent;
        while ((mantissa % 10).IsZero)
        {
            mantissa /= 10;
            exponent++;
        }

        return new QuantityValue(mantissa, exponent, Format);
    }

    private static bool IsSignedInteger(ReadOnlySpan<char> text)
    {
        if (text.Length > 0 && text[0] is '+' or '-')
        {
            text = text[1..];
        }

        if (text.Length == 0)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
