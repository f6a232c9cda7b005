namespace Shim.Agent.Pods;

/// <summary>How the pod runtime maps pods of one node onto its Docker engine.</summary>
public sealed record PodRuntimeOptions
{
    /// <summary>The node this agent runs; every container it creates carries the label io.shim.node=NodeName.</summary>
    public required string NodeName { get; init; }

    /// <summary>The node's address: hostIP of every pod and podIP of hostNetwork pods.</summary>
    public required string NodeIp { get; init; }

    /// <summary>Root of the per-pod host directories (volumes, termination message files).</summary>
    public required string PodsRoot { get; init; }

    public string PauseImage { get; init; } = "shim/pause:3.10";

    /// <summary>The Docker network pod sandboxes join; null means Docker's default bridge.</summary>
    public string? NetworkName { get; init; }

    /// <summary>Nameservers for dnsPolicy ClusterFirst; empty leaves Docker's resolver configuration.</summary>
    public IReadOnlyList<string> ClusterDns { get; init; } = [];

    public string ClusterDomain { get; init; } = "cluster.local";

    /// <summary>First delay of CrashLoopBackOff and ImagePullBackOff; doubles up to <see cref="BackoffMax"/>.</summary>
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>How often every pod worker re-reads Docker even without events.</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromSeconds(10);
}
