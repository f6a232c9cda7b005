using Shim.Agent;

namespace Shim;

/// <summary>Options of what <c>shim server</c> runs beside the API server.</summary>
public sealed record ControlPlaneOptions
{
    /// <summary>How the components reach the API server (loopback for the in-process ones).</summary>
    public required Uri ApiServer { get; init; }

    public string ClusterCidr { get; init; } = "10.244.0.0/16";

    public int NodeCidrMaskSize { get; init; } = 24;

    public TimeSpan NodeMonitorGracePeriod { get; init; } = TimeSpan.FromSeconds(40);

    /// <summary>The cluster DNS address (the kube-dns Service's clusterIP): --cluster-dns, else the 10th address of --service-cidr.</summary>
    public string ClusterDns { get; init; } = "10.96.0.10";

    /// <summary>The embedded agent for the local Docker engine, or null with --disable-agent.</summary>
    public AgentOptions? Agent { get; init; }
}
