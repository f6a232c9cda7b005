namespace Shim.Agent.Proxy;

/// <summary>
/// What one service port contributes to the ruleset: its lines in the shared chains and its own chains, with what
/// they were rendered from, so the next render reuses them (the same instances) while none of that changes.
/// </summary>
public sealed class ServicePortRules(
    ServicePortInfo port,
    IReadOnlyList<ProxyEndpoint> endpoints,
    string clusterCidr,
    bool comments,
    IReadOnlyList<string> natServices,
    IReadOnlyList<string> natNodePorts,
    IReadOnlyList<string> filterServices,
    IReadOnlyList<string> filterExternal,
    IReadOnlyList<ProxyChain> chains,
    int endpointChains)
{
    private readonly string _clusterCidr = clusterCidr;
    private readonly bool _comments = comments;

    public ServicePortInfo Port { get; } = port;

    /// <summary>All endpoints of the port, as the index gave them (before the traffic policies chose among them).</summary>
    public IReadOnlyList<ProxyEndpoint> Endpoints { get; } = endpoints;

    public IReadOnlyList<string> NatServices { get; } = natServices;

    public IReadOnlyList<string> NatNodePorts { get; } = natNodePorts;

    public IReadOnlyList<string> FilterServices { get; } = filterServices;

    public IReadOnlyList<string> FilterExternal { get; } = filterExternal;

    /// <summary>The port's SVC, SVL, EXT and SEP chains.</summary>
    public IReadOnlyList<ProxyChain> Chains { get; } = chains;

    public int EndpointChains { get; } = endpointChains;

    /// <summary>True when rendering these inputs would give exactly these rules.</summary>
    public bool RenderedFrom(ServicePortInfo port, IReadOnlyList<ProxyEndpoint> endpoints, string clusterCidr, bool comments) =>
        comments == _comments && clusterCidr == _clusterCidr && Port.Equals(port) && Endpoints.SequenceEqual(endpoints);
}
