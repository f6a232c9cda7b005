namespace Shim.Agent.Dns;

/// <summary>How a <see cref="ClusterDnsServer"/> answers and forwards.</summary>
public sealed record ClusterDnsOptions
{
    /// <summary>The cluster domain: names under it are answered from the service catalog.</summary>
    public string ClusterDomain { get; init; } = "cluster.local";

    /// <summary>Where the upstream nameservers are listed; re-read whenever the file changes.</summary>
    public string ResolvConf { get; init; } = "/etc/resolv.conf";

    /// <summary>TTL of every cluster record (CoreDNS kubernetes plugin default: 5 s, short so changes show quickly).</summary>
    public uint Ttl { get; init; } = 5;

    /// <summary>How long one upstream server may take before the next one is tried (CoreDNS forward: 2 s dial/read budget).</summary>
    public TimeSpan UpstreamTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Queries answered at once; UDP queries beyond it are dropped (the client retries), TCP ones wait.</summary>
    public int MaxConcurrentQueries { get; init; } = 256;

    /// <summary>Open TCP connections; further ones are closed at once.</summary>
    public int MaxTcpConnections { get; init; } = 128;

    /// <summary>How long a TCP connection may sit without a complete query (RFC 7766 6.2.3 suggests seconds).</summary>
    public TimeSpan TcpIdleTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
