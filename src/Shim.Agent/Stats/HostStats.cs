using System.Globalization;

namespace Shim.Agent.Stats;

/// <summary>
/// The node's figures from the host kernel: CPU from /proc/stat (all time but idle and iowait, in core-seconds) and
/// working set from /proc/meminfo (MemTotal - MemFree - Inactive(file)). These are the whole machine's: agents that
/// share one machine (each in its own network namespace) all report the same node figures.
/// </summary>
public static class HostStats
{
    /// <summary>USER_HZ: /proc/stat counts in 1/100 s on every Linux ABI the agent runs on.</summary>
    private const double TicksPerSecond = 100;

    public static double CpuSeconds(string procStat)
    {
        foreach (var line in procStat.Split('\n'))
        {
            if (!line.StartsWith("cpu ", StringComparison.Ordinal))
            {
                continue;
            }

            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            // user nice system idle iowait irq softirq steal (guest time is already inside user/nice).
            var busy = fields.Take(8).Select((v, i) => i is 3 or 4 ? 0 : v).Sum();
            return busy / TicksPerSecond;
        }

        return 0;
    }

    public static ulong WorkingSetBytes(string procMeminfo)
    {
        var values = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var line in procMeminfo.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var parts = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 0 && ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kib))
            {
                values[line[..colon]] = kib * 1024;
            }
        }

        var used = values.GetValueOrDefault("MemTotal") - Math.Min(values.GetValueOrDefault("MemTotal"), values.GetValueOrDefault("MemFree"));
        var inactive = values.GetValueOrDefault("Inactive(file)");
        return used > inactive ? used - inactive : 0;
    }

    public static (double CpuSeconds, ulong WorkingSetBytes) Read() =>
        (CpuSeconds(File.ReadAllText("/proc/stat")), WorkingSetBytes(File.ReadAllText("/proc/meminfo")));
}
