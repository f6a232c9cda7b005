namespace Shim.Bench;

/// <summary>What one <c>shim-bench run</c> is asked to do. Every phase is bounded by a count and by a time limit.</summary>
public sealed record BenchSettings
{
    public required string Kubeconfig { get; init; }
    public string? TokenFile { get; init; }
    public int? ServerPid { get; init; }
    public int? StorePid { get; init; }
    public string Label { get; init; } = "shim";
    public int Concurrency { get; init; } = 50;
    public bool Http2 { get; init; }
    public int Warmup { get; init; } = 1000;
    public TimeSpan WarmupTime { get; init; } = TimeSpan.FromSeconds(20);
    public long Creates { get; init; } = 30_000;
    public TimeSpan CreateTime { get; init; } = TimeSpan.FromSeconds(60);
    public long Gets { get; init; } = 100_000;
    public TimeSpan GetTime { get; init; } = TimeSpan.FromSeconds(30);
    public int ListPods { get; init; } = 10_000;
    public int ListMatching { get; init; } = 10;
    public int Lists { get; init; } = 200;
    public TimeSpan ListTime { get; init; } = TimeSpan.FromSeconds(60);
    public int Watchers { get; init; } = 1000;
    public int WatchWrites { get; init; } = 50;
    public TimeSpan WatchInterval { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan WatchTime { get; init; } = TimeSpan.FromSeconds(120);
    public IReadOnlyList<long> MemoryPoints { get; init; } = [10_000, 100_000];
    public TimeSpan LoadTime { get; init; } = TimeSpan.FromSeconds(300);
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(5);
    public IReadOnlySet<string> Phases { get; init; } = AllPhases;

    public static readonly IReadOnlySet<string> AllPhases = new HashSet<string>(StringComparer.Ordinal) { "create", "get", "list", "watch", "memory" };
}

/// <summary>Everything one run measured, written as JSON for <c>shim-bench report</c>.</summary>
public sealed class BenchResult
{
    public string Label { get; set; } = "";
    public string Server { get; set; } = "";
    public string StartedUtc { get; set; } = "";
    public string Http { get; set; } = "";
    public string Auth { get; set; } = "";
    public int Concurrency { get; set; }
    public int Cores { get; set; }
    public LoadResult? Create { get; set; }
    public LoadResult? PodLoad { get; set; }
    public LoadResult? Get { get; set; }
    public ListResult? List { get; set; }
    public ListResult? ListAtEnd { get; set; }
    public WatchResult? Watch { get; set; }
    public List<MemoryPoint> Memory { get; set; } = [];
    public List<string> Notes { get; set; } = [];
}

/// <summary>Sequential LISTs of a namespace of <c>Pods</c> pods: with a label selector matching <c>Matching</c>, and without one.</summary>
public sealed record ListResult(int Pods, int Matching, int ItemsReturned, Latency Selector, Latency Full, long FullBytes, bool StoppedByTime, long PodsInCluster, CpuUse? Cpu);

/// <summary>Watch fan-out: per watcher and write, time from the write's acknowledgement to the event's arrival.</summary>
public sealed record WatchResult(
    int Requested, int Established, double EstablishSeconds, int Writes, long Expected, long Received, long BeforeAck,
    Latency Delivery, Latency LastWatcher, Latency Write, string? FirstError, CpuUse? Cpu);

/// <summary>Server (and store) memory after the benchmark had created <c>Objects</c> objects.</summary>
public sealed record MemoryPoint(string Label, long Objects, long? ServerRssKiB, long? ServerPeakKiB, long? StoreRssKiB, string Composition);
