using System.Globalization;

namespace Shim.Agent.Pods;

/// <summary>Reads Kubernetes quantities ("500m", "1.5", "128Mi", "1e3") as numbers for Docker's resource fields.</summary>
public static class ResourceQuantity
{
    private static readonly (string Suffix, decimal Factor)[] Suffixes =
    [
        ("Ki", 1024m), ("Mi", 1024m * 1024), ("Gi", 1024m * 1024 * 1024), ("Ti", 1024m * 1024 * 1024 * 1024),
        ("Pi", 1024m * 1024 * 1024 * 1024 * 1024), ("Ei", 1024m * 1024 * 1024 * 1024 * 1024 * 1024),
        ("n", 0.000000001m), ("u", 0.000001m), ("m", 0.001m), ("k", 1000m), ("M", 1_000_000m), ("G", 1_000_000_000m),
        ("T", 1_000_000_000_000m), ("P", 1_000_000_000_000_000m), ("E", 1_000_000_000_000_000_000m),
    ];

    public static bool TryParse(string? text, out decimal value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        var factor = 1m;
        foreach (var (suffix, suffixFactor) in Suffixes)
        {
            // A suffix follows the number directly ("1E" is exa; "1e3" ends in a digit, so it stays an exponent).
            if (s.Length > suffix.Length && s.EndsWith(suffix, StringComparison.Ordinal) && s[^(suffix.Length + 1)] is (>= '0' and <= '9') or '.')
            {
                factor = suffixFactor;
                s = s[..^suffix.Length];
                break;
            }
        }

        if (!decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        value = number * factor;
        return true;
    }

    /// <summary>The quantity in thousandths, rounded up (CPU in millicores); 0 when absent or unreadable.</summary>
    public static long Milli(string? text) => TryParse(text, out var v) ? (long)decimal.Ceiling(v * 1000) : 0;

    /// <summary>The quantity as a whole number, rounded up (memory in bytes); 0 when absent or unreadable.</summary>
    public static long Whole(string? text) => TryParse(text, out var v) ? (long)decimal.Ceiling(v) : 0;
}
