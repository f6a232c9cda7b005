using System.Globalization;
using Shim.Model.Core.V1;
using Shim.Model.Discovery.V1;
using static Shim.Agent.Proxy.ProxyChainNames;

namespace Shim.Agent.Proxy;

/// <summary>
/// Turns services and endpoint slices into the proxy's ruleset: a pure function, so a sync can compare its result
/// with what it applied before. Rule shapes follow upstream kube-proxy's iptables mode (pkg/proxy/iptables/proxier.go)
/// with SHIM- chain names; rules are written in the order and spelling iptables-save prints them, where it can.
/// </summary>
public static class ProxyRuleRenderer
{
    /// <summary>Above this many endpoints per-endpoint comments are left out: they make the ruleset much bigger (upstream's large cluster mode).</summary>
    public const int LargeClusterEndpoints = 1000;

    private const string Reject = "REJECT --reject-with icmp-port-unreachable";

    /// <param name="previous">
    /// The last ruleset rendered, or null: a service port rendered there from equal inputs (the port, its endpoints,
    /// the options its rules read) keeps those rules, the same instances, instead of being rendered again. The result
    /// is the same either way; at thousands of services this makes a sync after one change take milliseconds.
    /// </param>
    public static ProxyRuleSet Render(IEnumerable<Service> services, IEnumerable<EndpointSlice> slices, ProxierOptions options, bool masqueradeRandomFully, ProxyRuleSet? previous = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var index = ServiceEndpointIndex.Build(slices, options.NodeName);
        var ports = services.SelectMany(ServicePortInfo.From)
            .OrderBy(p => p.Namespace, StringComparer.Ordinal)
            .ThenBy(p => p.ServiceName, StringComparer.Ordinal)
            .ThenBy(p => p.PortName, StringComparer.Ordinal)
            .ThenBy(p => p.Protocol, StringComparer.Ordinal)
            .ToList();
        var comments = ports.Sum(p => index.For(p).Count) <= LargeClusterEndpoints;
        var clusterCidr = options.ClusterCidr;
        List<ServicePortRules> portRules = new(ports.Count);
        List<string> filterServices = [];
        List<string> filterExternal = [];
        List<string> natServices = new(ports.Count + 1);
        List<string> natNodePorts = [];
        foreach (var port in ports)
        {
            var endpoints = index.For(port);
            if (previous is null || !previous.PortsByKey.TryGetValue(port.Key, out var rules) || !rules.RenderedFrom(port, endpoints, clusterCidr, comments))
            {
                rules = RenderPort(port, endpoints, clusterCidr, comments);
            }

            portRules.Add(rules);
            filterServices.AddRange(rules.FilterServices);
            filterExternal.AddRange(rules.FilterExternal);
            natServices.AddRange(rules.NatServices);
            natNodePorts.AddRange(rules.NatNodePorts);
        }

        // Every local address serves NodePorts (upstream's default nodePortAddresses), except loopback: that would need route_localnet.
        natServices.Add($"-A {ServicesChain} ! -d 127.0.0.0/8 -m comment --comment \"shim service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j {NodePortsChain}");

        List<string> postrouting = [];
        if (!string.IsNullOrEmpty(options.PodCidr))
        {
            // Docker's own masquerade is off for the pod network, so pods reach the outside through this rule.
            postrouting.Add($"-A {PostroutingChain} -s {options.PodCidr} ! -d {clusterCidr} -m comment --comment \"pod traffic leaving the cluster network\" -j MASQUERADE");
        }

        postrouting.Add($"-A {PostroutingChain} -m mark ! --mark {MasqueradeMark}/{MasqueradeMark} -j RETURN");
        // Clear the mark so a packet that traverses the stack again is not masqueraded twice.
        postrouting.Add($"-A {PostroutingChain} -j MARK --xor-mark {MasqueradeMark}");
        postrouting.Add($"-A {PostroutingChain} -m comment --comment \"shim service traffic requiring SNAT\" -j MASQUERADE" + (masqueradeRandomFully ? " --random-fully" : ""));

        List<string> forward =
        [
            // Packets conntrack cannot place would otherwise reach a pod unNATed and be answered with a reset (kubernetes#74839).
            $"-A {ForwardChain} -m conntrack --ctstate INVALID -j DROP",
            $"-A {ForwardChain} -m comment --comment \"shim forwarding rules\" -m mark --mark {MasqueradeMark}/{MasqueradeMark} -j ACCEPT",
            $"-A {ForwardChain} -m comment --comment \"shim forwarding conntrack rule\" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
            // Docker's FORWARD policy is DROP and its chains drop traffic into its bridges from elsewhere: pods on other hosts must get through.
            $"-A {ForwardChain} -s {clusterCidr} -m comment --comment \"traffic from pods\" -j ACCEPT",
            $"-A {ForwardChain} -d {clusterCidr} -m comment --comment \"traffic to pods\" -j ACCEPT",
        ];

        List<ProxyChain> chains =
        [
            new(ProxyRuleSet.FilterTable, ServicesChain, filterServices),
            new(ProxyRuleSet.FilterTable, ExternalServicesChain, filterExternal),
            new(ProxyRuleSet.FilterTable, ForwardChain, forward),
            new(ProxyRuleSet.NatTable, ServicesChain, natServices),
            new(ProxyRuleSet.NatTable, NodePortsChain, natNodePorts),
            new(ProxyRuleSet.NatTable, PostroutingChain, postrouting),
            new(ProxyRuleSet.NatTable, MarkMasqueradeChain, [$"-A {MarkMasqueradeChain} -j MARK --or-mark {MasqueradeMark}"]),
        ];
        return new ProxyRuleSet(chains, portRules);
    }

    private static ServicePortRules RenderPort(ServicePortInfo port, IReadOnlyList<ProxyEndpoint> allEndpoints, string clusterCidr, bool comments)
    {
        var endpoints = EndpointSelection.For(port, allEndpoints);
        List<string> natServices = [];
        List<string> natNodePorts = [];
        List<string> filterServices = [];
        List<string> filterExternal = [];
        List<ProxyChain> chains = [];
        var name = port.Name;
        var protocol = port.Protocol;
        var clusterChain = ClusterPolicy(name, protocol);
        var localChain = LocalPolicy(name, protocol);
        var externalChain = External(name, protocol);

        // Upstream's policy chain logic: the internal (cluster IP) and external (NodePort, external and load balancer
        // IPs) traffic each go to the Cluster or the Local chain; a side without endpoints is rejected (none anywhere)
        // or dropped (none on this node, policy Local).
        var usesClusterChain = endpoints.Cluster.Count > 0 && port.UsesClusterEndpoints;
        var usesLocalChain = endpoints.Local.Count > 0 && port.UsesLocalEndpoints;
        var internalChain = port.InternalPolicyLocal ? localChain : clusterChain;
        var hasInternal = endpoints.HasAny && (!port.InternalPolicyLocal || endpoints.Local.Count > 0);
        var externalPolicyChain = port.ExternalPolicyLocal ? localChain : clusterChain;
        var hasExternal = endpoints.HasAny && (!port.ExternalPolicyLocal || endpoints.Local.Count > 0);
        var usesExternalChain = endpoints.HasAny && port.ExternallyAccessible;
        var filterComment = endpoints.HasAny ? $"\"{name} has no local endpoints\"" : $"\"{name} has no endpoints\"";
        var filterTarget = endpoints.HasAny ? "DROP" : Reject;
        var portMatch = $"-m {protocol} --dport {port.Port}";

        if (hasInternal)
        {
            natServices.Add($"-A {ServicesChain} -d {port.ClusterIp}/32 -p {protocol} -m comment --comment \"{name} cluster IP\" {portMatch} -j {internalChain}");
        }
        else
        {
            filterServices.Add($"-A {ServicesChain} -d {port.ClusterIp}/32 -p {protocol} -m comment --comment {filterComment} {portMatch} -j {filterTarget}");
        }

        foreach (var (addresses, kind) in new[] { (port.ExternalIps, "external IP"), (port.LoadBalancerIps, "loadbalancer IP") })
        {
            foreach (var address in addresses)
            {
                if (endpoints.HasAny)
                {
                    natServices.Add($"-A {ServicesChain} -d {address}/32 -p {protocol} -m comment --comment \"{name} {kind}\" {portMatch} -j {externalChain}");
                }

                if (!hasExternal)
                {
                    filterExternal.Add($"-A {ExternalServicesChain} -d {address}/32 -p {protocol} -m comment --comment {filterComment} {portMatch} -j {filterTarget}");
                }
            }
        }

        if (port.NodePort != 0)
        {
            if (endpoints.HasAny)
            {
                natNodePorts.Add($"-A {NodePortsChain} -p {protocol} -m comment --comment \"{name}\" -m {protocol} --dport {port.NodePort} -j {externalChain}");
            }

            if (!hasExternal)
            {
                filterExternal.Add($"-A {ExternalServicesChain} -p {protocol} -m comment --comment {filterComment} -m addrtype --dst-type LOCAL -m {protocol} --dport {port.NodePort} -j {filterTarget}");
            }
        }

        if (usesExternalChain)
        {
            chains.Add(new ProxyChain(ProxyRuleSet.NatTable, externalChain, ExternalRules(port, externalChain, clusterChain, hasExternal ? externalPolicyChain : null, clusterCidr)));
        }

        // Off-cluster clients of a cluster IP are masqueraded so replies come back through this node (upstream's localDetector).
        var masquerade = $"-A {internalChain} ! -s {clusterCidr} -d {port.ClusterIp}/32 -p {protocol} -m comment --comment \"{name} cluster IP\" {portMatch} -j {MarkMasqueradeChain}";
        if (usesClusterChain)
        {
            chains.Add(new ProxyChain(ProxyRuleSet.NatTable, clusterChain, DispatchRules(port, clusterChain, hasInternal && internalChain == clusterChain ? masquerade : null, endpoints.Cluster, comments)));
        }

        if (usesLocalChain)
        {
            chains.Add(new ProxyChain(ProxyRuleSet.NatTable, localChain, DispatchRules(port, localChain, hasInternal && internalChain == localChain ? masquerade : null, endpoints.Local, comments)));
        }

        foreach (var endpoint in endpoints.Reachable)
        {
            var chain = Endpoint(name, protocol, endpoint.HostPort);
            var comment = comments ? $" -m comment --comment \"{name}\"" : "";
            var affinity = port.StickySeconds is null ? "" : $" -m recent --set --name {chain}";
            chains.Add(new ProxyChain(ProxyRuleSet.NatTable, chain,
            [
                // Hairpin: a pod reaching itself through the service must see the reply come from the service.
                $"-A {chain} -s {endpoint.Address}/32{comment} -j {MarkMasqueradeChain}",
                $"-A {chain} -p {protocol}{comment}{affinity} -m {protocol} -j DNAT --to-destination {endpoint.HostPort}",
            ]));
        }

        return new ServicePortRules(port, allEndpoints, clusterCidr, comments, natServices, natNodePorts, filterServices, filterExternal, chains, endpoints.Reachable.Count);
    }

    private static List<string> ExternalRules(ServicePortInfo port, string chain, string clusterChain, string? policyChain, string clusterCidr)
    {
        var name = port.Name;
        List<string> rules = [];
        if (!port.ExternalPolicyLocal)
        {
            // The endpoint may be on another node: masquerade so its reply comes back through this one.
            rules.Add($"-A {chain} -m comment --comment \"masquerade traffic for {name} external destinations\" -j {MarkMasqueradeChain}");
        }
        else
        {
            // Policy Local keeps the client's address. Pods and this host reaching an external address behave as if
            // they went out to a load balancer and back: they may use any endpoint.
            rules.Add($"-A {chain} -s {clusterCidr} -m comment --comment \"pod traffic for {name} external destinations\" -j {clusterChain}");
            rules.Add($"-A {chain} -m comment --comment \"masquerade LOCAL traffic for {name} external destinations\" -m addrtype --src-type LOCAL -j {MarkMasqueradeChain}");
            rules.Add($"-A {chain} -m comment --comment \"route LOCAL traffic for {name} external destinations\" -m addrtype --src-type LOCAL -j {clusterChain}");
        }

        if (policyChain is not null)
        {
            rules.Add($"-A {chain} -j {policyChain}");
        }

        return rules;
    }

    /// <summary>The SVC/SVL chain: optional masquerade rule, sticky-client checks, then one random choice per endpoint.</summary>
    private static List<string> DispatchRules(ServicePortInfo port, string chain, string? masquerade, IReadOnlyList<ProxyEndpoint> endpoints, bool comments)
    {
        List<string> rules = masquerade is null ? [] : [masquerade];
        string Comment(ProxyEndpoint endpoint) => comments ? $" -m comment --comment \"{port.Name} -> {endpoint.HostPort}\"" : "";
        if (port.StickySeconds is { } seconds)
        {
            foreach (var endpoint in endpoints)
            {
                var target = Endpoint(port.Name, port.Protocol, endpoint.HostPort);
                rules.Add($"-A {chain}{Comment(endpoint)} -m recent --name {target} --rcheck --seconds {seconds} --reap -j {target}");
            }
        }

        for (var i = 0; i < endpoints.Count; i++)
        {
            var target = Endpoint(port.Name, port.Protocol, endpoints[i].HostPort);
            // Rule i matches with 1/(n-i): each endpoint gets 1/n of new connections; the last one takes the rest.
            rules.Add(i < endpoints.Count - 1
                ? $"-A {chain}{Comment(endpoints[i])} -m statistic --mode random --probability {Probability(endpoints.Count - i)} -j {target}"
                : $"-A {chain}{Comment(endpoints[i])} -j {target}");
        }

        return rules;
    }

    /// <summary>1/n with 10 decimals, as upstream writes it (iptables-save prints 11).</summary>
    public static string Probability(int n) => (1.0 / n).ToString("F10", CultureInfo.InvariantCulture);
}
