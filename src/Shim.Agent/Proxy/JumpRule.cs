namespace Shim.Agent.Proxy;

/// <summary>
/// A rule in a built-in chain that sends packets into one of ours. A full sync inserts the ones iptables-save does
/// not show, in the same iptables-restore transaction as the chains (a "-I" line leaves the rest of the built-in
/// chain alone), so an agent restart finds them in place instead of adding a second copy.
/// </summary>
/// <param name="Matches">Match options before the comment, "" for none.</param>
public sealed record JumpRule(string Table, string Chain, string Target, string Matches, string Comment)
{
    private const string NewConnections = "-m conntrack --ctstate NEW";

    /// <summary>
    /// Every jump, in the order it should appear in each built-in chain; each is inserted at the top. In FORWARD the
    /// no-endpoint REJECT chains come before SHIM-FORWARD, which accepts all pod traffic and would let a connection
    /// to a service without endpoints leave the node instead of being refused.
    /// </summary>
    public static IReadOnlyList<JumpRule> All { get; } =
    [
        new("nat", "PREROUTING", ProxyChainNames.ServicesChain, "", "shim service portals"),
        new("nat", "OUTPUT", ProxyChainNames.ServicesChain, "", "shim service portals"),
        new("nat", "POSTROUTING", ProxyChainNames.PostroutingChain, "", "shim postrouting rules"),
        new("filter", "INPUT", ProxyChainNames.ExternalServicesChain, NewConnections, "shim externally-visible service portals"),
        new("filter", "FORWARD", ProxyChainNames.ServicesChain, NewConnections, "shim service portals"),
        new("filter", "FORWARD", ProxyChainNames.ExternalServicesChain, NewConnections, "shim externally-visible service portals"),
        new("filter", "FORWARD", ProxyChainNames.ForwardChain, "", "shim forwarding rules"),
        new("filter", "OUTPUT", ProxyChainNames.ServicesChain, NewConnections, "shim service portals"),
    ];

    /// <summary>Docker's chain for rules that must run before its own FORWARD rules; it keeps its rules across dockerd restarts.</summary>
    public const string DockerUserChain = "DOCKER-USER";

    /// <summary>
    /// The jumps for a host in state <paramref name="current"/>: where Docker runs, the FORWARD jumps go into
    /// DOCKER-USER, because dockerd inserts its own FORWARD rules at the top whenever it starts or creates a network,
    /// and its bridge rules accept pod traffic to anywhere, so a service without endpoints would not be refused but
    /// routed out of the node. DOCKER-USER stays first in FORWARD and keeps its rules.
    /// </summary>
    public static IReadOnlyList<JumpRule> For(IptablesSnapshot current)
    {
        ArgumentNullException.ThrowIfNull(current);
        return current.Chains.Contains(new ChainKey("filter", DockerUserChain))
            ? [.. All.Select(j => j is { Table: "filter", Chain: "FORWARD" } ? j with { Chain = DockerUserChain } : j)]
            : All;
    }

    /// <summary>The built-in chains the jumps live in, and DOCKER-USER: what tells whether they are in place.</summary>
    public static IReadOnlyList<ChainKey> HostChains { get; } =
        [.. All.Select(j => new ChainKey(j.Table, j.Chain)).Append(new ChainKey("filter", DockerUserChain)).Distinct()];

    /// <summary>Whether the saved rule <paramref name="rule"/> ("-A CHAIN … -j TARGET") is this jump.</summary>
    public bool IsSavedAs(string rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return rule.StartsWith($"-A {Chain} ", StringComparison.Ordinal) && rule.EndsWith($" -j {Target}", StringComparison.Ordinal);
    }

    /// <summary>The iptables-restore line putting the rule first in its chain.</summary>
    public string InsertLine => $"-I {Chain} 1 {(Matches.Length == 0 ? "" : Matches + " ")}-m comment --comment \"{Comment}\" -j {Target}";
}
