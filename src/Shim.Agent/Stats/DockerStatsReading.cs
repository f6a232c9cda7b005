using System.Globalization;
using System.Text.Json.Nodes;

namespace Shim.Agent.Stats;

/// <summary>
/// What a Docker stats document says in cAdvisor's terms: CPU = cpu_stats.cpu_usage.total_usage (ns) as cumulative
/// seconds; working set = memory usage minus inactive file pages (cgroup v2 inactive_file, v1 total_inactive_file),
/// never below zero.
/// </summary>
public static class DockerStatsReading
{
    public static double CpuSeconds(JsonObject stats) =>
        (stats["cpu_stats"]?["cpu_usage"]?["total_usage"]?.GetValue<double>() ?? 0) / 1e9;

    public static ulong WorkingSet(JsonObject stats)
    {
        var memory = stats["memory_stats"];
        var usage = memory?["usage"]?.GetValue<ulong>() ?? 0;
        var inner = memory?["stats"];
        var inactive = inner?["total_inactive_file"]?.GetValue<ulong>() ?? inner?["inactive_file"]?.GetValue<ulong>() ?? 0;
        return usage > inactive ? usage - inactive : 0;
    }

    /// <summary>When dockerd read the figures ("read"), else <paramref name="fallback"/>.</summary>
    public static DateTimeOffset ReadAt(JsonObject stats, DateTimeOffset fallback) =>
        DateTimeOffset.TryParse(stats["read"]?.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var read) && read.Year > 1
            ? read
            : fallback;
}
