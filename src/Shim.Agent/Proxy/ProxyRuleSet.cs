namespace Shim.Agent.Proxy;

/// <summary>Everything the proxy wants in iptables: its chains in the filter and nat tables, in writing order.</summary>
/// <param name="chains">All chains, filter table first.</param>
/// <param name="ports">The rules of each service port, by fingerprint (for the next render to reuse).</param>
public sealed class ProxyRuleSet(IReadOnlyList<ProxyChain> chains, IReadOnlyDictionary<string, ServicePortRules>? ports = null)
{
    public const string FilterTable = "filter";
    public const string NatTable = "nat";

    private Dictionary<ChainKey, ProxyChain>? _byKey;

    public IReadOnlyList<ProxyChain> Chains { get; } = chains;

    public IReadOnlyDictionary<string, ServicePortRules> Ports { get; } = ports ?? new Dictionary<string, ServicePortRules>();

    /// <summary>Service ports that got rules (headless and ExternalName services are not counted).</summary>
    public int ServicePorts => Ports.Count;

    /// <summary>Endpoint (SEP) chains.</summary>
    public int Endpoints => Ports.Values.Sum(p => p.EndpointChains);

    public int Rules => Chains.Sum(c => c.Rules.Count);

    public IReadOnlyDictionary<ChainKey, ProxyChain> ByKey => _byKey ??= Chains.ToDictionary(c => c.Key);

    /// <summary>The chain, or null when the ruleset has none of that name in <paramref name="table"/>.</summary>
    public ProxyChain? Find(string table, string name) => ByKey.GetValueOrDefault(new ChainKey(table, name));
}
