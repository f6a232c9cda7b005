using System.Diagnostics;
using System.Globalization;

namespace Shim.Bench;

/// <summary>Latency percentiles (milliseconds) over a set of samples.</summary>
public sealed record Latency(long Count, double P50Ms, double P90Ms, double P99Ms, double MaxMs, double MeanMs)
{
    public static readonly Latency Empty = new(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    /// <summary>Percentiles of Stopwatch-tick samples (nearest-rank). Sorts <paramref name="ticks"/> in place.</summary>
    public static Latency FromTicks(Span<long> ticks)
    {
        if (ticks.Length == 0)
        {
            return Empty;
        }

        ticks.Sort();
        double sum = 0;
        foreach (var t in ticks)
        {
            sum += t;
        }

        return new Latency(ticks.Length, Ms(Rank(ticks, 0.50)), Ms(Rank(ticks, 0.90)), Ms(Rank(ticks, 0.99)), Ms(ticks[^1]), sum / ticks.Length * 1000.0 / Stopwatch.Frequency);
    }

    public static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static long Rank(Span<long> sorted, double p)
    {
        var index = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }
}

/// <summary>CPU time and memory of a process, read from /proc (Linux).</summary>
public static class ProcStats
{
    private static readonly long ClockTicks = 100; // USER_HZ: 100 on every Linux configuration .NET supports.

    /// <summary>Resident set size and its peak, in KiB (VmRSS, VmHWM of /proc/PID/status); null when unreadable.</summary>
    public static (long RssKiB, long PeakKiB)? Memory(int pid)
    {
        try
        {
            long rss = -1, peak = -1;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kib(line);
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = Kib(line);
                }
            }

            return rss < 0 ? null : (rss, peak);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>User + system CPU time of a process; zero when unreadable.</summary>
    public static TimeSpan Cpu(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return Process.GetCurrentProcess().TotalProcessorTime;
        }

        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
            var rest = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds((double)ticks / ClockTicks);
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>Busy and total jiffies of the whole machine (first line of /proc/stat); zeros when unreadable.</summary>
    public static (long Busy, long Total) Machine()
    {
        try
        {
            var first = File.ReadLines("/proc/stat").First();
            var f = first.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            // user nice system idle iowait irq softirq steal
            var busy = f[0] + f[1] + f[2] + f[5] + f[6] + f[7];
            return (busy, busy + f[3] + f[4]);
        }
        catch (IOException)
        {
            return (0, 0);
        }
    }

    private static long Kib(string line)
    {
        var digits = new string(line.Where(char.IsAsciiDigit).ToArray());
        return long.Parse(digits, CultureInfo.InvariantCulture);
    }
}

/// <summary>CPU used by the server, the store and the load generator over one phase, in cores (CPU seconds per second).</summary>
public sealed class CpuMeter
{
    private readonly int? _serverPid;
    private readonly int? _storePid;
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly TimeSpan _server0;
    private readonly TimeSpan _store0;
    private readonly TimeSpan _bench0;
    private readonly (long Busy, long Total) _machine0;

    public CpuMeter(int? serverPid, int? storePid)
    {
        _serverPid = serverPid;
        _storePid = storePid;
        _server0 = serverPid is { } s ? ProcStats.Cpu(s) : TimeSpan.Zero;
        _store0 = storePid is { } r ? ProcStats.Cpu(r) : TimeSpan.Zero;
        _bench0 = ProcStats.Cpu(Environment.ProcessId);
        _machine0 = ProcStats.Machine();
    }

    public CpuUse Stop()
    {
        var seconds = Stopwatch.GetElapsedTime(_start).TotalSeconds;
        double? Cores(int? pid, TimeSpan start) => pid is { } p && seconds > 0 ? (ProcStats.Cpu(p) - start).TotalSeconds / seconds : null;
        var (busy, total) = ProcStats.Machine();
        double? machine = total > _machine0.Total ? (double)(busy - _machine0.Busy) / (total - _machine0.Total) * Environment.ProcessorCount : null;
        var server = Cores(_serverPid, _server0);
        var store = Cores(_storePid, _store0);
        var bench = Cores(Environment.ProcessId, _bench0);
        double? other = machine is { } m ? Math.Max(0, m - (server ?? 0) - (store ?? 0) - (bench ?? 0)) : null;
        return new CpuUse(server, store, bench, other);
    }
}

/// <param name="Other">Cores used by everything else on the machine meanwhile (other builds, the kernel): interference.</param>
public sealed record CpuUse(double? Server, double? Store, double? Bench, double? Other)
{
    public override string ToString()
    {
        static string F(double? v) => v is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) : "-";
        return $"server {F(Server)} / redis {F(Store)} / bench {F(Bench)} / other {F(Other)}";
    }
}
