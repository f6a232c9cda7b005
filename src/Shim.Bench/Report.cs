using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Shim.Bench;

/// <summary>redis-benchmark's -q summary: requests per second (and p50 where it prints one) per test.</summary>
public sealed record RedisReference(double? SetRps, double? SetP50Ms, double? GetRps, double? GetP50Ms, string? Cpu = null)
{
    public static RedisReference Parse(string text)
    {
        // -q prints progress lines ending in \r and a final "SET: 81234.57 requests per second, p50=0.311 msec" per test.
        (double?, double?) Find(string test)
        {
            double? rps = null, p50 = null;
            foreach (Match m in Regex.Matches(text, $@"(?m){test}: ([0-9.]+) requests per second(?:, p50=([0-9.]+) msec)?"))
            {
                rps = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                p50 = m.Groups[2].Success ? double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : null;
            }

            return (rps, p50);
        }

        var (setRps, setP50) = Find("SET");
        var (getRps, getP50) = Find("GET");
        // scripts/bench.sh appends "CPU: redis-server A / redis-benchmark B / other C cores".
        var cpu = Regex.Match(text, @"(?m)^CPU: redis-server ([0-9.]+) / redis-benchmark ([0-9.]+) / other ([0-9.]+) cores");
        return new RedisReference(setRps, setP50, getRps, getP50, cpu.Success ? $"{cpu.Groups[1].Value} / - / {cpu.Groups[2].Value} / {cpu.Groups[3].Value}" : null);
    }
}

/// <summary>Side-by-side tables (Markdown) of runs against redis-benchmark, with the targets marked met or missed.</summary>
public static class Report
{
    public const double CreateShareOfSet = 0.25;
    public const double GetShareOfGet = 0.50;
    public const double ListP99Ms = 20;
    public const double WatchP99Ms = 100;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Render(RedisReference? redis, IReadOnlyList<BenchResult> runs)
    {
        var sb = new StringBuilder();
        var first = runs.FirstOrDefault();
        sb.AppendLine(Inv, $"Machine: {first?.Cores ?? Environment.ProcessorCount} cores; client {first?.Http} with {first?.Concurrency} concurrent workers; everything on 127.0.0.1.");
        sb.AppendLine();
        foreach (var r in runs.Where(r => r.Auth is { Length: > 0 } a && a != "client certificate"))
        {
            sb.AppendLine(Inv, $"Run '{r.Label}' authenticates with a {r.Auth} instead of the admin client certificate.");
        }

        var header = "| measure | redis-benchmark | " + string.Join(" | ", runs.Select(r => $"shim ({r.Label})")) + " | target |";
        sb.AppendLine(header);
        sb.AppendLine("|" + string.Concat(Enumerable.Repeat("---|", runs.Count + 3)));

        void Row(string measure, string reference, Func<BenchResult, string> cell, string target) =>
            sb.AppendLine($"| {measure} | {reference} | {string.Join(" | ", runs.Select(cell))} | {target} |");

        var setTarget = redis?.SetRps * CreateShareOfSet;
        var getTarget = redis?.GetRps * GetShareOfGet;
        Row("CREATE req/s (redis: SET -d 1024)", Num(redis?.SetRps), r => Rate(r.Create, redis?.SetRps, setTarget),
            setTarget is { } st ? $"≥ {st:0} (25% of SET)" : "≥ 25% of SET");
        Row("CREATE p50 / p99 ms", redis?.SetP50Ms is { } sp ? $"{sp:0.00} / -" : "-", r => Pct(r.Create?.Latency), "");
        Row("GET one object req/s (redis: GET)", Num(redis?.GetRps), r => Rate(r.Get, redis?.GetRps, getTarget),
            getTarget is { } gt ? $"≥ {gt:0} (50% of GET)" : "≥ 50% of GET");
        Row("GET p50 / p99 ms", redis?.GetP50Ms is { } gp ? $"{gp:0.00} / -" : "-", r => Pct(r.Get?.Latency), "");
        var listed = runs.Select(r => r.List).FirstOrDefault(l => l is not null);
        var pods = listed is null ? "10k pods" : $"{listed.Pods} pods";
        var watches = runs.Select(r => r.Watch).FirstOrDefault(w => w is not null) is { } wr ? $"{wr.Requested} watchers × {wr.Writes} writes" : "";
        Row($"LIST {pods}, selector → {listed?.Matching ?? 10}: p50 / p99 ms", "-", r => r.List is { } l
            ? $"{Pct(l.Selector)} {Verdict(l.Selector.P99Ms <= ListP99Ms)}" : "-", $"p99 ≤ {ListP99Ms:0} ms");
        Row($"same LIST, with every pod loaded: p50 / p99 ms", "-", r => r.ListAtEnd is { } l
            ? $"{Pct(l.Selector)} ({l.PodsInCluster} pods in cluster) {Verdict(l.Selector.P99Ms <= ListP99Ms)}" : "-", $"p99 ≤ {ListP99Ms:0} ms");
        Row($"LIST {pods}, no selector: p50 / p99 ms", "-", r => r.List is { } l ? $"{Pct(l.Full)} ({l.FullBytes / 1048576.0:0.0} MiB)" : "-", "(context)");
        Row($"WATCH fan-out ({watches}), ack → event: p50 / p99 / max ms", "-", r => r.Watch is { } w
            ? $"{w.Delivery.P50Ms:0.0} / {w.Delivery.P99Ms:0.0} / {w.Delivery.MaxMs:0.0} {Verdict(w.Delivery.P99Ms <= WatchP99Ms && w.Received == (long)w.Requested * w.Writes)}" : "-",
            $"p99 ≤ {WatchP99Ms:0} ms");
        Row("WATCH events delivered / expected", "-", r => r.Watch is { } w ? $"{w.Received} / {(long)w.Requested * w.Writes} ({w.Established} watches)" : "-", "all");
        Row("WATCH last watcher per write: p50 / p99 ms", "-", r => r.Watch is { } w ? $"{w.LastWatcher.P50Ms:0.0} / {w.LastWatcher.P99Ms:0.0}" : "-", "(context)");
        Row("WATCH write (PATCH) latency p50 / p99 ms", "-", r => r.Watch is { } w ? Pct(w.Write) : "-", "(context)");
        Row("pod create while loading, req/s", "-", r => r.PodLoad is { } p ? $"{p.RequestsPerSecond:0} ({Pct(p.Latency)} ms)" : "-", "(context)");
        var labels = runs.SelectMany(r => r.Memory.Select(m => m.Label)).Distinct().ToList();
        foreach (var label in labels)
        {
            Row($"server RSS, {label}", "-", r => r.Memory.FirstOrDefault(m => m.Label == label) is { } m
                ? $"{Benchmark.Mib(m.ServerRssKiB)}" + (m.StoreRssKiB is { } s ? $" + redis {Benchmark.Mib(s)}" : "") : "-", "(report)");
        }

        sb.AppendLine();
        sb.AppendLine("CPU use during each measured phase, in cores (2 available): server / redis-server / shim-bench / everything else on the machine.");
        if (redis?.Cpu is { } rc)
        {
            sb.AppendLine(Inv, $"During redis-benchmark (SET and GET): redis-server / - / redis-benchmark / everything else = {rc}.");
        }

        sb.AppendLine();
        sb.AppendLine("| phase | " + string.Join(" | ", runs.Select(r => $"shim ({r.Label})")) + " |");
        sb.AppendLine("|" + string.Concat(Enumerable.Repeat("---|", runs.Count + 1)));
        sb.AppendLine($"| CREATE | {string.Join(" | ", runs.Select(r => Cpu(r.Create?.Cpu)))} |");
        sb.AppendLine($"| GET | {string.Join(" | ", runs.Select(r => Cpu(r.Get?.Cpu)))} |");
        sb.AppendLine($"| pod load | {string.Join(" | ", runs.Select(r => Cpu(r.PodLoad?.Cpu)))} |");
        sb.AppendLine($"| LIST (selector) | {string.Join(" | ", runs.Select(r => Cpu(r.List?.Cpu)))} |");
        sb.AppendLine($"| WATCH (writes + delivery) | {string.Join(" | ", runs.Select(r => Cpu(r.Watch?.Cpu)))} |");

        var notes = runs.SelectMany(r => r.Notes.Select(n => $"- {r.Label}: {n}")).ToList();
        foreach (var r in runs)
        {
            foreach (var (name, load) in new[] { ("CREATE", r.Create), ("GET", r.Get), ("pod load", r.PodLoad) })
            {
                if (load is { Errors: > 0 })
                {
                    notes.Add($"- {r.Label}: {name} had {load.Errors} errors (first: {load.FirstError})");
                }

                if (load is { StoppedByTime: true })
                {
                    notes.Add($"- {r.Label}: {name} stopped at its time limit after {load.Completed} requests");
                }
            }
        }

        if (notes.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Notes:");
            foreach (var n in notes)
            {
                sb.AppendLine(n);
            }
        }

        return sb.ToString();
    }

    private static string Num(double? v) => v is { } x ? x.ToString("0", Inv) : "-";

    private static string Rate(LoadResult? load, double? reference, double? target)
    {
        if (load is null)
        {
            return "-";
        }

        var text = load.RequestsPerSecond.ToString("0", Inv);
        if (reference is { } refRps && target is { } t)
        {
            text += $" ({load.RequestsPerSecond / refRps * 100:0.0}%) {Verdict(load.RequestsPerSecond >= t)}";
        }

        return text;
    }

    private static string Pct(Latency? l) => l is { Count: > 0 } x ? string.Create(Inv, $"{x.P50Ms:0.00} / {x.P99Ms:0.00}") : "-";

    private static string Cpu(CpuUse? c) => c is null ? "-" : string.Create(Inv, $"{F(c.Server)} / {F(c.Store)} / {F(c.Bench)} / {F(c.Other)}");

    private static string F(double? v) => v is { } x ? x.ToString("0.00", Inv) : "-";

    private static string Verdict(bool met) => met ? "**met**" : "**missed**";
}
