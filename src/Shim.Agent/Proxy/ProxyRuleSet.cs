namespace Shim.Agent.Proxy;

/// <summary>Everything the proxy wants in iptables: its chains in the filter and nat tables, in writing order.</summary>
public sealed class ProxyRuleSet(IReadOnlyList<ProxyChain> chains, int servicePorts, int endpoints)
{
    public const string FilterTable = "filter";
    public const string NatTable = "nat";

    private Dictionary<ChainKey, ProxyChain>? _byKey;

    public IReadOnlyList<ProxyChain> Chains { get; } = chains;

    /// <summary>Service ports that got rules (headless and ExternalName services are not counted).</summary>
    public int ServicePorts { get; } = servicePorts;

    /// <summary>Endpoint (SEP) chains.</summary>
    public int Endpoints { get; } = endpoints;

    public int Rules => Chains.Sum(c => c.Rules.Count);

    public IReadOnlyDictionary<ChainKey, ProxyChain> ByKey => _byKey ??= Chains.ToDictionary(c => c.Key);

    /// <summary>The chain, or null when the ruleset has none of that name in <paramref name="table"/>.</summary>
    public ProxyChain? Find(string table, string name) => ByKey.GetValueOrDefault(new ChainKey(table, name));
}
