namespace Shim.Api.Hosting;

/// <summary>Options of <c>shim server</c>.</summary>
public sealed record ServerOptions
{
    public required string DataDir { get; init; }

    /// <summary>"memory" or "redis://HOST:PORT[/PREFIX]".</summary>
    public string Store { get; init; } = "memory";

    public string BindAddress { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 6443;
    public IReadOnlyList<string> TlsSans { get; init; } = [];
    public bool DisableAgent { get; init; }

    /// <summary>tolerationSeconds given to pods for the not-ready / unreachable NoExecute taints (kube-apiserver defaults).</summary>
    public long DefaultNotReadyTolerationSeconds { get; init; } = 300;

    public long DefaultUnreachableTolerationSeconds { get; init; } = 300;

    /// <summary>The range Service cluster IPs come from (--service-cidr); IPv4.</summary>
    public string ServiceCidr { get; init; } = "10.96.0.0/12";

    /// <summary>The range node ports come from (--service-node-port-range).</summary>
    public string ServiceNodePortRange { get; init; } = "30000-32767";

    /// <summary>The kube-dns Service's clusterIP (--cluster-dns); null or empty: the 10th address of <see cref="ServiceCidr"/>.</summary>
    public string? ClusterDns { get; init; }

    /// <summary>
    /// The address the kubernetes Service's endpoints list for this server (--advertise-address); null or empty: the bind
    /// address if it is a specific non-loopback one, else the host's first non-loopback IPv4 address.
    /// </summary>
    public string? AdvertiseAddress { get; init; }
}
