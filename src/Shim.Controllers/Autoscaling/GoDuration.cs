using System.Globalization;

namespace Shim.Controllers.Autoscaling;

/// <summary>Reads a Go duration string ("15.012s", "1m0.5s", "500ms") as metav1.Duration carries it.</summary>
public static class GoDuration
{
    public static TimeSpan Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return TimeSpan.Zero;
        }

        var total = 0.0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            var unitStart = i;
            while (i < text.Length && !char.IsDigit(text[i]) && text[i] != '.')
            {
                i++;
            }

            if (!double.TryParse(text.AsSpan(start, unitStart - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                return TimeSpan.Zero;
            }

            total += text[unitStart..i] switch
            {
                "h" => number * 3600,
                "m" => number * 60,
                "s" => number,
                "ms" => number / 1e3,
                "us" or "µs" => number / 1e6,
                "ns" => number / 1e9,
                _ => 0,
            };
        }

        return TimeSpan.FromSeconds(total);
    }
}
