namespace Shim.Agent.Proxy;

/// <summary>
/// What one service port contributes to the ruleset: its lines in the shared chains and its own chains. Kept by
/// fingerprint in the ruleset, so the next render reuses them when nothing the port depends on changed.
/// </summary>
public sealed class ServicePortRules(
    string fingerprint,
    IReadOnlyList<string> natServices,
    IReadOnlyList<string> natNodePorts,
    IReadOnlyList<string> filterServices,
    IReadOnlyList<string> filterExternal,
    IReadOnlyList<ProxyChain> chains,
    int endpointChains)
{
    /// <summary>Everything the rules were rendered from (the port, its endpoints, the options they read), as text.</summary>
    public string Fingerprint { get; } = fingerprint;

    public IReadOnlyList<string> NatServices { get; } = natServices;

    public IReadOnlyList<string> NatNodePorts { get; } = natNodePorts;

    public IReadOnlyList<string> FilterServices { get; } = filterServices;

    public IReadOnlyList<string> FilterExternal { get; } = filterExternal;

    /// <summary>The port's SVC, SVL, EXT and SEP chains.</summary>
    public IReadOnlyList<ProxyChain> Chains { get; } = chains;

    public int EndpointChains { get; } = endpointChains;
}
