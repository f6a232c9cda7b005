using System.Globalization;
using System.Text;

namespace Shim.Api.Protobuf;

/// <summary>Go's text forms of metav1.Time, metav1.MicroTime and time.Duration, as their MarshalJSON produces them.</summary>
internal static class GoFormat
{
    /// <summary>Unix seconds of Go's zero time.Time (0001-01-01T00:00:00Z), which JSON renders as null.</summary>
    public const long ZeroTimeUnixSeconds = -62135596800;

    private const long MaxUnixSeconds = 253402300799; // 9999-12-31T23:59:59Z, the last second RFC 3339 can express

    /// <summary>RFC 3339 with whole seconds in UTC, e.g. "2024-05-01T10:00:00Z"; null when out of range.</summary>
    public static string? Time(long unixSeconds) => ToUtc(unixSeconds, 0)?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>RFC 3339 with microseconds in UTC, e.g. "2024-05-01T10:00:00.123456Z"; null when out of range.</summary>
    public static string? MicroTime(long unixSeconds, int nanos) =>
        ToUtc(unixSeconds, nanos / 1000)?.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTime? ToUtc(long unixSeconds, long micros)
    {
        if (unixSeconds < ZeroTimeUnixSeconds || unixSeconds > MaxUnixSeconds || micros is < 0 or >= 1_000_000)
        {
            return null;
        }

        return DateTime.UnixEpoch.AddTicks(unixSeconds * TimeSpan.TicksPerSecond + micros * 10);
    }

    /// <summary>time.Duration.String(): "1h0m0s", "1.5s", "300ms", "0s".</summary>
    public static string Duration(long nanoseconds)
    {
        if (nanoseconds == 0)
        {
            return "0s";
        }

        var negative = nanoseconds < 0;
        var u = negative ? (ulong)(-(nanoseconds + 1)) + 1 : (ulong)nanoseconds; // safe for long.MinValue
        var sb = new StringBuilder();
        if (negative)
        {
            sb.Append('-');
        }

        if (u < 1_000_000_000)
        {
            // Below one second Go picks the largest unit that keeps an integer part.
            var (prec, unit) = u switch
            {
                < 1_000 => (0, "ns"),
                < 1_000_000 => (3, "µs"),
                _ => (6, "ms"),
            };
            AppendWithFraction(sb, u, prec);
            sb.Append(unit);
            return sb.ToString();
        }

        var totalSeconds = u / 1_000_000_000;
        var fraction = u % 1_000_000_000;
        var hours = totalSeconds / 3600;
        var minutes = totalSeconds / 60 % 60;
        var seconds = totalSeconds % 60;
        if (hours > 0)
        {
            sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (hours > 0 || minutes > 0)
        {
            sb.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        AppendWithFraction(sb, seconds * 1_000_000_000 + fraction, 9);
        sb.Append('s');
        return sb.ToString();
    }

    /// <summary>Appends value / 10^prec with the fraction's trailing zeros (and a bare point) dropped.</summary>
    private static void AppendWithFraction(StringBuilder sb, ulong value, int prec)
    {
        ulong scale = 1;
        for (var i = 0; i < prec; i++)
        {
            scale *= 10;
        }

        sb.Append((value / scale).ToString(CultureInfo.InvariantCulture));
        if (prec == 0)
        {
            return;
        }

        var digits = (value % scale).ToString(CultureInfo.InvariantCulture).PadLeft(prec, '0').TrimEnd('0');
        if (digits.Length > 0)
        {
            sb.Append('.').Append(digits);
        }
    }
}
