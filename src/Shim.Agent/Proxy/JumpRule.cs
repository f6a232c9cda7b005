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
    /// Every jump, in the order it should appear in each built-in chain; each is inserted at the top, ahead of
    /// Docker's rules (its FORWARD chain drops traffic into its bridges that did not come from them). In FORWARD the
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

    /// <summary>The iptables-restore line putting the rule first in its chain.</summary>
    public string InsertLine => $"-I {Chain} 1 {(Matches.Length == 0 ? "" : Matches + " ")}-m comment --comment \"{Comment}\" -j {Target}";
}
