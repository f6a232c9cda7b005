using System.Globalization;

namespace Shim.Agent.Pods;

/// <summary>Durations printed the way Go's time.Duration does (10s, 5m0s, 200ms), as they appear in kubelet messages.</summary>
public static class GoDuration
{
    public static string Format(TimeSpan duration)
    {
        if (duration < TimeSpan.FromSeconds(1))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0.###}ms");
        }

        var seconds = string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds % 60:0.###}s");
        if (duration < TimeSpan.FromMinutes(1))
        {
            return seconds;
        }

        var minutes = (long)duration.TotalMinutes;
        return minutes < 60
            ? string.Create(CultureInfo.InvariantCulture, $"{minutes}m{seconds}")
            : string.Create(CultureInfo.InvariantCulture, $"{minutes / 60}h{minutes % 60}m{seconds}");
    }
}
