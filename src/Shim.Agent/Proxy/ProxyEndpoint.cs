namespace Shim.Agent.Proxy;

/// <summary>One endpoint of a service port as the proxy sees it (from an EndpointSlice).</summary>
/// <param name="Address">The endpoint's first address (upstream also uses only the first).</param>
/// <param name="IsLocal">The endpoint's nodeName is this node.</param>
public sealed record ProxyEndpoint(string Address, int Port, bool IsLocal, bool Ready, bool Serving, bool Terminating)
{
    /// <summary>"ip:port": the DNAT destination, and part of the SEP chain's hashed identity.</summary>
    public string HostPort { get; } = $"{Address}:{Port}";
}
