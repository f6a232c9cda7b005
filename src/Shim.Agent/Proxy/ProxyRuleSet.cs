namespace Shim.Agent.Proxy;

/// <summary>Everything the proxy wants in iptables: the shared chains and each service port's rules.</summary>
/// <param name="shared">The chains every service port adds lines to, and the fixed ones (SHIM-SERVICES, SHIM-POSTROUTING, ...).</param>
/// <param name="ports">The rules of each service port, in SHIM-SERVICES order.</param>
public sealed class ProxyRuleSet(IReadOnlyList<ProxyChain> shared, IReadOnlyList<ServicePortRules>? ports = null)
{
    public const string FilterTable = "filter";
    public const string NatTable = "nat";

    private Dictionary<ChainKey, ProxyChain>? _byKey;
    private Dictionary<ServicePortKey, ServicePortRules>? _portsByKey;
    private List<ProxyChain>? _chains;

    public IReadOnlyList<ProxyChain> SharedChains { get; } = shared;

    public IReadOnlyList<ServicePortRules> Ports { get; } = ports ?? [];

    public IReadOnlyDictionary<ServicePortKey, ServicePortRules> PortsByKey => _portsByKey ??= Ports.ToDictionary(p => p.Port.Key);

    /// <summary>Every chain: the shared ones, then each port's.</summary>
    public IReadOnlyList<ProxyChain> Chains => _chains ??= [.. SharedChains, .. Ports.SelectMany(p => p.Chains)];

    /// <summary>Service ports that got rules (headless and ExternalName services are not counted).</summary>
    public int ServicePorts => Ports.Count;

    /// <summary>Endpoint (SEP) chains.</summary>
    public int Endpoints => Ports.Sum(p => p.EndpointChains);

    public int Rules => SharedChains.Sum(c => c.Rules.Count) + Ports.Sum(p => p.Chains.Sum(c => c.Rules.Count));

    public IReadOnlyDictionary<ChainKey, ProxyChain> ByKey => _byKey ??= Chains.ToDictionary(c => c.Key);

    /// <summary>The chain, or null when the ruleset has none of that name in <paramref name="table"/>.</summary>
    public ProxyChain? Find(string table, string name) => ByKey.GetValueOrDefault(new ChainKey(table, name));
}
