namespace Shim.Controllers;

/// <summary>What the controllers need to know about the cluster (flags of <c>shim server</c>).</summary>
public sealed record ControllerManagerOptions
{
    /// <summary>The cluster CA certificate (PEM) published to every namespace as kube-root-ca.crt.</summary>
    public required string RootCaPem { get; init; }

    public string ClusterCidr { get; init; } = "10.244.0.0/16";

    public int NodeCidrMaskSize { get; init; } = 24;

    /// <summary>How long a node may stay silent before it is marked Unknown (--node-monitor-grace-period).</summary>
    public TimeSpan NodeMonitorGracePeriod { get; init; } = TimeSpan.FromSeconds(40);

    /// <summary>How long a new node may take to post its first status (--node-startup-grace-period).</summary>
    public TimeSpan NodeStartupGracePeriod { get; init; } = TimeSpan.FromMinutes(1);
}
