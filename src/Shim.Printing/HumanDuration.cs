using System.Globalization;
using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing;

/// <summary>
/// Kubernetes' "human" duration (apimachinery util/duration HumanDuration), used for Age and every other
/// "time since" cell. Precision shrinks as the duration grows, so columns stay narrow.
/// </summary>
public static class HumanDuration
{
    /// <summary>Shown for a timestamp that is absent or Go's zero time.</summary>
    public const string Unknown = "<unknown>";

    /// <summary>Shown for a duration more than a second negative (clock skew beyond tolerance).</summary>
    public const string Invalid = "<invalid>";

    public static string Format(TimeSpan d)
    {
        // Whole seconds, truncated toward zero like Go's int(d.Seconds()); -1s counts as "now" to tolerate skew.
        var seconds = d.Ticks / TimeSpan.TicksPerSecond;
        if (seconds < -1)
        {
            return Invalid;
        }
        if (seconds < 0)
        {
            return "0s";
        }
        if (seconds < 60 * 2)
        {
            return Inv($"{seconds}s");
        }

        var minutes = d.Ticks / TimeSpan.TicksPerMinute;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? Inv($"{minutes}m") : Inv($"{minutes}m{s}s");
        }
        if (minutes < 60 * 3)
        {
            return Inv($"{minutes}m");
        }

        var hours = d.Ticks / TimeSpan.TicksPerHour;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? Inv($"{hours}h") : Inv($"{hours}h{m}m");
        }
        if (hours < 48)
        {
            return Inv($"{hours}h");
        }
        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? Inv($"{hours / 24}d") : Inv($"{hours / 24}d{h}h");
        }
        if (hours < 24 * 365 * 2)
        {
            return Inv($"{hours / 24}d");
        }
        if (hours < 24 * 365 * 8)
        {
            var dy = hours / 24 % 365;
            return dy == 0 ? Inv($"{hours / 24 / 365}y") : Inv($"{hours / 24 / 365}y{dy}d");
        }
        return Inv($"{hours / 24 / 365}y");
    }

    /// <summary>Elapsed time since <paramref name="timestamp"/>, or <c>&lt;unknown&gt;</c> when it is unset.</summary>
    public static string Since(DateTimeOffset? timestamp, DateTimeOffset now) =>
        timestamp is { } t ? Format(now - t) : Unknown;

    /// <summary>Elapsed time since an RFC 3339 timestamp string (absent, unparsable or zero → <c>&lt;unknown&gt;</c>).</summary>
    public static string Since(string? timestamp, DateTimeOffset now) =>
        Since(Json.Time(timestamp is null ? null : JsonValue.Create(timestamp)), now);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
