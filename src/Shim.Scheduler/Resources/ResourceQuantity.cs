using System.Globalization;

namespace Shim.Scheduler.Resources;

/// <summary>
/// Parses Kubernetes quantity text ("500m", "1Gi", "2", "1e3") into numbers the scheduler can compare.
/// The model keeps quantities as text; the scheduler needs cpu in millicores and everything else in whole units,
/// both rounded up as upstream's MilliValue()/Value() do.
/// </summary>
public static class ResourceQuantity
{
    private static readonly Dictionary<string, decimal> SuffixFactors = new(StringComparer.Ordinal)
    {
        [""] = 1m,
        ["n"] = 0.000000001m,
        ["u"] = 0.000001m,
        ["m"] = 0.001m,
        ["k"] = 1_000m,
        ["M"] = 1_000_000m,
        ["G"] = 1_000_000_000m,
        ["T"] = 1_000_000_000_000m,
        ["P"] = 1_000_000_000_000_000m,
        ["E"] = 1_000_000_000_000_000_000m,
        ["Ki"] = 1024m,
        ["Mi"] = 1024m * 1024,
        ["Gi"] = 1024m * 1024 * 1024,
        ["Ti"] = 1024m * 1024 * 1024 * 1024,
        ["Pi"] = 1024m * 1024 * 1024 * 1024 * 1024,
        ["Ei"] = 1024m * 1024 * 1024 * 1024 * 1024 * 1024,
    };

    /// <summary>The quantity as an exact decimal number of base units, or false when the text is not a quantity.</summary>
    public static bool TryParse(string? text, out decimal value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var s = text.Trim();
        var numberEnd = 0;
        if (numberEnd < s.Length && (s[numberEnd] == '+' || s[numberEnd] == '-'))
            numberEnd++;
        while (numberEnd < s.Length && (char.IsAsciiDigit(s[numberEnd]) || s[numberEnd] == '.'))
            numberEnd++;
        if (!decimal.TryParse(s[..numberEnd], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            return false;
        var suffix = s[numberEnd..];
        if (SuffixFactors.TryGetValue(suffix, out var factor))
            return TryMultiply(number, factor, out value);
        // Decimal exponent form ("1e3", "5E-2"); a bare "E" is the exa suffix handled above.
        if (suffix.Length > 1 && (suffix[0] == 'e' || suffix[0] == 'E')
            && int.TryParse(suffix.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exponent)
            && exponent is >= -27 and <= 27)
        {
            var power = 1m;
            for (var i = 0; i < Math.Abs(exponent); i++)
                power *= 10;
            return TryMultiply(number, exponent < 0 ? 1 / power : power, out value);
        }
        return false;
    }

    /// <summary>Millicores for cpu-like resources, rounded up; unparsable text counts as zero.</summary>
    public static long ToMilliUnits(string? text) => TryParse(text, out var v) ? Clamp(Math.Ceiling(v * 1000)) : 0;

    /// <summary>Whole units (bytes, pods, devices), rounded up; unparsable text counts as zero.</summary>
    public static long ToUnits(string? text) => TryParse(text, out var v) ? Clamp(Math.Ceiling(v)) : 0;

    private static bool TryMultiply(decimal number, decimal factor, out decimal value)
    {
        try
        {
            value = number * factor;
            return true;
        }
        catch (OverflowException)
        {
            value = number < 0 ? decimal.MinValue : decimal.MaxValue;
            return true;
        }
    }

    private static long Clamp(decimal value) =>
        value >= long.MaxValue ? long.MaxValue : value <= long.MinValue ? long.MinValue : (long)value;
}
