namespace Shim.Agent.Proxy;

/// <summary>
/// A rule in a built-in chain that sends packets into one of ours. These are ensured one by one with
/// <c>iptables -C</c> / <c>-I</c> (never by iptables-restore, which would have to own the whole built-in chain),
/// so an agent restart finds them in place instead of adding a second copy.
/// </summary>
public sealed record JumpRule(string Table, string Chain, string Target, IReadOnlyList<string> Matches, string Comment)
{
    private static readonly string[] NewConnections = ["-m", "conntrack", "--ctstate", "NEW"];

    /// <summary>
    /// Every jump, in the order it should appear in each built-in chain; each is inserted at the top, ahead of
    /// Docker's rules (its FORWARD chain drops traffic into its bridges that did not come from them). In FORWARD the
    /// no-endpoint REJECT chains come before SHIM-FORWARD, which accepts all pod traffic and would let a connection
    /// to a service without endpoints leave the node instead of being refused.
    /// </summary>
    public static IReadOnlyList<JumpRule> All { get; } =
    [
        new("nat", "PREROUTING", ProxyChainNames.ServicesChain, [], "shim service portals"),
        new("nat", "OUTPUT", ProxyChainNames.ServicesChain, [], "shim service portals"),
        new("nat", "POSTROUTING", ProxyChainNames.PostroutingChain, [], "shim postrouting rules"),
        new("filter", "INPUT", ProxyChainNames.ExternalServicesChain, NewConnections, "shim externally-visible service portals"),
        new("filter", "FORWARD", ProxyChainNames.ServicesChain, NewConnections, "shim service portals"),
        new("filter", "FORWARD", ProxyChainNames.ExternalServicesChain, NewConnections, "shim externally-visible service portals"),
        new("filter", "FORWARD", ProxyChainNames.ForwardChain, [], "shim forwarding rules"),
        new("filter", "OUTPUT", ProxyChainNames.ServicesChain, NewConnections, "shim service portals"),
    ];

    /// <summary>The rule's arguments after the chain name, as given to iptables -C/-I/-D.</summary>
    public IReadOnlyList<string> Arguments => [.. Matches, "-m", "comment", "--comment", Comment, "-j", Target];
}
