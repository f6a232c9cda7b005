using System.Globalization;

namespace Shim.Controllers.Autoscaling;

/// <summary>
/// Quantities as milli-units (what the HPA computes with, as upstream's Quantity.MilliValue, rounding up), and milli
/// values back to canonical decimal quantities ("250m", "1", "10485760").
/// </summary>
public static class MilliQuantity
{
    private static readonly (string Suffix, decimal Factor)[] Suffixes =
    [
        ("Ki", 1024m), ("Mi", 1024m * 1024), ("Gi", 1024m * 1024 * 1024), ("Ti", 1024m * 1024 * 1024 * 1024),
        ("Pi", 1024m * 1024 * 1024 * 1024 * 1024), ("Ei", 1024m * 1024 * 1024 * 1024 * 1024 * 1024),
        ("n", 0.000000001m), ("u", 0.000001m), ("m", 0.001m), ("k", 1e3m), ("M", 1e6m), ("G", 1e9m), ("T", 1e12m), ("P", 1e15m), ("E", 1e18m),
    ];

    private static readonly string[] DecimalSuffixes = ["m", "", "k", "M", "G", "T", "P", "E"];

    public static bool TryParse(string text, out long milli)
    {
        milli = 0;
        text = text.Trim();
        var factor = 1m;
        foreach (var (suffix, value) in Suffixes)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal) && text.Length > suffix.Length && char.IsDigit(text[^(suffix.Length + 1)]))
            {
                factor = value;
                text = text[..^suffix.Length];
                break;
            }
        }

        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        try
        {
            milli = (long)Math.Ceiling(number * factor * 1000m);
        }
        catch (OverflowException)
        {
            milli = long.MaxValue;
        }

        return true;
    }

    public static long Parse(string text) =>
        TryParse(text, out var milli) ? milli : throw new FormatException($"quantities must match the regular expression: {text}");

    /// <summary>A milli value in canonical DecimalSI form.</summary>
    public static string Format(long milli)
    {
        if (milli == 0)
        {
            return "0";
        }

        var index = 0;
        while (milli % 1000 == 0 && index < DecimalSuffixes.Length - 1)
        {
            milli /= 1000;
            index++;
        }

        return milli.ToString(CultureInfo.InvariantCulture) + DecimalSuffixes[index];
    }
}
