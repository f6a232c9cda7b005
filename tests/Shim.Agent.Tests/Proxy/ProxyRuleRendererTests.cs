using Shim.Agent.Proxy;
using Shim.Agent.Tests.Services;
using static Shim.Agent.Proxy.ProxyChainNames;

namespace Shim.Agent.Tests.Proxy;

/// <summary>The rendered ruleset, line by line, for each service feature (rule shapes as upstream kube-proxy's iptables mode).</summary>
public sealed class ProxyRuleRendererTests
{
    private const string NodePortsRule = "-A SHIM-SERVICES ! -d 127.0.0.0/8 -m comment --comment \"shim service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j SHIM-NODEPORTS";

    private static readonly ProxierOptions Options = new() { NodeName = "n1", ClusterCidr = "10.244.0.0/16", PodCidr = "10.244.1.0/24" };

    private static readonly string Svc = ClusterPolicy("ns1/svc1:p80", "tcp");
    private static readonly string Svl = LocalPolicy("ns1/svc1:p80", "tcp");
    private static readonly string Ext = External("ns1/svc1:p80", "tcp");
    private static readonly string Sep1 = Endpoint("ns1/svc1:p80", "tcp", "10.180.0.1:80");
    private static readonly string Sep2 = Endpoint("ns1/svc1:p80", "tcp", "10.180.0.2:80");

    [Fact]
    public void Chain_names_hash_the_service_port_like_upstream()
    {
        // The names upstream's proxier tests expect for ns1/svc1:p80 (with KUBE- there).
        Assert.Equal("SHIM-SVC-XPGD46QRK7WJZT7O", Svc);
        Assert.Equal("SHIM-SEP-SXIVWICOYRO3J4NJ", Sep1);
        Assert.True(Svl.Length <= 28 && Ext.StartsWith("SHIM-EXT-", StringComparison.Ordinal));
    }

    [Fact]
    public void Cluster_ip_spreads_new_connections_over_the_ready_endpoints()
    {
        var rules = Render(new TestServiceCatalog()
            .Service(ClusterIpService())
            .Slice(TestServiceCatalog.ReadySlice("ns1", "svc1", "p80", 80, "10.180.0.2", "10.180.0.1")));

        Assert.Equal(
        [
            $"-A SHIM-SERVICES -d 172.30.0.41/32 -p tcp -m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp --dport 80 -j {Svc}",
            NodePortsRule,
        ], Rules(rules, "nat", ServicesChain));
        Assert.Equal(
        [
            $"-A {Svc} ! -s 10.244.0.0/16 -d 172.30.0.41/32 -p tcp -m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp --dport 80 -j SHIM-MARK-MASQ",
            $"-A {Svc} -m comment --comment \"ns1/svc1:p80 -> 10.180.0.1:80\" -m statistic --mode random --probability 0.5000000000 -j {Sep1}",
            $"-A {Svc} -m comment --comment \"ns1/svc1:p80 -> 10.180.0.2:80\" -j {Sep2}",
        ], Rules(rules, "nat", Svc));
        Assert.Equal(
        [
            $"-A {Sep1} -s 10.180.0.1/32 -m comment --comment \"ns1/svc1:p80\" -j SHIM-MARK-MASQ",
            $"-A {Sep1} -p tcp -m comment --comment \"ns1/svc1:p80\" -m tcp -j DNAT --to-destination 10.180.0.1:80",
        ], Rules(rules, "nat", Sep1));
        Assert.Empty(Rules(rules, "filter", ServicesChain));
        Assert.Null(rules.Find("nat", Svl));
        Assert.Null(rules.Find("nat", Ext));
        Assert.Equal((1, 2), (rules.ServicePorts, rules.Endpoints));
    }

    [Fact]
    public void Probabilities_are_one_over_the_endpoints_left_with_ten_decimals()
    {
        var rules = Render(new TestServiceCatalog()
            .Service(ClusterIpService())
            .Slice(TestServiceCatalog.ReadySlice("ns1", "svc1", "p80", 80, "10.180.0.1", "10.180.0.2", "10.180.0.3")));

        Assert.Equal(
            ["0.3333333333", "0.5000000000", null],
            Rules(rules, "nat", Svc).Skip(1).Select(r => r.Contains("--probability", StringComparison.Ordinal) ? r.Split(' ')[^3] : null));
    }

    [Fact]
    public void Endpoint_ports_match_the_service_port_by_name_and_protocol()
    {
        var rules = Render(new TestServiceCatalog()
            .Service("""
                metadata: {name: dns, namespace: kube-system}
                spec: {clusterIP: 10.96.0.10, ports: [{name: dns, port: 53, protocol: UDP, targetPort: 5353}, {name: dns-tcp, port: 53, protocol: TCP, targetPort: dns-tcp}]}
                """)
            .Slice("""
                metadata: {name: dns-1, namespace: kube-system, labels: {kubernetes.io/service-name: dns}}
                addressType: IPv4
                ports: [{name: dns, port: 5353, protocol: UDP}, {name: dns-tcp, port: 5354, protocol: TCP}, {name: other, port: 9, protocol: TCP}]
                endpoints: [{addresses: [10.244.2.7], conditions: {ready: true}}]
                """));

        var udp = ClusterPolicy("kube-system/dns:dns", "udp");
        var tcp = ClusterPolicy("kube-system/dns:dns-tcp", "tcp");
        Assert.Equal(
        [
            $"-A SHIM-SERVICES -d 10.96.0.10/32 -p udp -m comment --comment \"kube-system/dns:dns cluster IP\" -m udp --dport 53 -j {udp}",
            $"-A SHIM-SERVICES -d 10.96.0.10/32 -p tcp -m comment --comment \"kube-system/dns:dns-tcp cluster IP\" -m tcp --dport 53 -j {tcp}",
            NodePortsRule,
        ], Rules(rules, "nat", ServicesChain));
        var udpEndpoint = Endpoint("kube-system/dns:dns", "udp", "10.244.2.7:5353");
        Assert.Equal($"-A {udpEndpoint} -p udp -m comment --comment \"kube-system/dns:dns\" -m udp -j DNAT --to-destination 10.244.2.7:5353", Rules(rules, "nat", udpEndpoint)[1]);
        Assert.Equal($"-A {tcp} -m comment --comment \"kube-system/dns:dns-tcp -> 10.244.2.7:5354\" -j {Endpoint("kube-system/dns:dns-tcp", "tcp", "10.244.2.7:5354")}", Rules(rules, "nat", tcp)[1]);
        Assert.Equal(2, rules.Endpoints);
    }

    [Fact]
    public void Sctp_and_unnamed_ports_are_proxied()
    {
        var rules = Render(new TestServiceCatalog()
            .Service("""
                metadata: {name: sig, namespace: ns1}
                spec: {clusterIP: 172.30.0.50, ports: [{port: 3868, protocol: SCTP}]}
                """)
            .Slice("""
                metadata: {name: sig-1, namespace: ns1, labels: {kubernetes.io/service-name: sig}}
                ports: [{name: "", port: 3868, protocol: SCTP}]
                endpoints: [{addresses: [10.180.0.9]}]
                """));

        var svc = ClusterPolicy("ns1/sig", "sctp");
        Assert.Equal($"-A SHIM-SERVICES -d 172.30.0.50/32 -p sctp -m comment --comment \"ns1/sig cluster IP\" -m sctp --dport 3868 -j {svc}", Rules(rules, "nat", ServicesChain)[0]);
        Assert.Equal($"-A {Endpoint("ns1/sig", "sctp", "10.180.0.9:3868")} -p sctp -m comment --comment \"ns1/sig\" -m sctp -j DNAT --to-destination 10.180.0.9:3868", Rules(rules, "nat", Endpoint("ns1/sig", "sctp", "10.180.0.9:3868"))[1]);
    }

    [Fact]
    public void Node_port_with_cluster_policy_masquerades_and_uses_every_endpoint()
    {
        var rules = Render(new TestServiceCatalog()
            .Service(ClusterIpService(type: "NodePort", nodePort: 30080))
            .Slice(TestServiceCatalog.ReadySlice("ns1", "svc1", "p80", 80, "10.180.0.1@n2")));

        Assert.Equal([$"-A SHIM-NODEPORTS -p tcp -m comment --comment \"ns1/svc1:p80\" -m tcp --dport 30080 -j {Ext}"], Rules(rules, "nat", NodePortsChain));
        Assert.Equal(
        [
            $"-A {Ext} -m comment --comment \"masquerade traffic for ns1/svc1:p80 external destinations\" -j SHIM-MARK-MASQ",
            $"-A {Ext} -j {Svc}",
        ], Rules(rules, "nat", Ext));
        Assert.Equal(NodePortsRule, Rules(rules, "nat", ServicesChain)[^1]);
    }

    [Fact]
    public void External_and_load_balancer_ips_with_local_policy_keep_the_client_address_and_use_local_endpoints()
    {
        var rules = Render(new TestServiceCatalog()
            .Service("""
                metadata: {name: svc1, namespace: ns1}
                spec:
                  type: LoadBalancer
                  clusterIP: 172.30.0.41
                  externalIPs: [192.0.2.10]
                  externalTrafficPolicy: Local
                  ports: [{name: p80, port: 80, protocol: TCP, nodePort: 30080}]
                status: {loadBalancer: {ingress: [{ip: 198.51.100.7}, {ip: 198.51.100.8, ipMode: Proxy}, {hostname: lb.example.com}]}}
                """)
            .Slice(TestServiceCatalog.ReadySlice("ns1", "svc1", "p80", 80, "10.180.0.1@n1", "10.180.0.2@n2")));

        Assert.Equal(
        [
            $"-A SHIM-SERVICES -d 172.30.0.41/32 -p tcp -m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp --dport 80 -j {Svc}",
            $"-A SHIM-SERVICES -d 192.0.2.10/32 -p tcp -m comment --comment \"ns1/svc1:p80 external IP\" -m tcp --dport 80 -j {Ext}",
            $"-A SHIM-SERVICES -d 198.51.100.7/32 -p tcp -m comment --comment \"ns1/svc1:p80 loadbalancer IP\" -m tcp --dport 80 -j {Ext}",
            NodePortsRule,
        ], Rules(rules, "nat", ServicesChain));
        Assert.Equal(
        [
            $"-A {Ext} -s 10.244.0.0/16 -m comment --comment \"pod traffic for ns1/svc1:p80 external destinations\" -j {Svc}",
            $"-A {Ext} -m comment --comment \"masquerade LOCAL traffic for ns1/svc1:p80 external destinations\" -m addrtype --src-type LOCAL -j SHIM-MARK-MASQ",
            $"-A {Ext} -m comment --comment \"route LOCAL traffic for ns1/svc1:p80 external destinations\" -m addrtype --src-type LOCAL -j {Svc}",
            $"-A {Ext} -j {Svl}",
        ], Rules(rules, "nat", Ext));
        Assert.Equal([$"-A {Svl} -m comment --comment \"ns1/svc1:p80 -> 10.180.0.1:80\" -j {Sep1}"], Rules(rules, "nat", Svl));
        Assert.Equal(3, Rules(rules, "nat", Svc).Count);
        Assert.NotNull(rules.Find("nat", Sep2));
        Assert.Empty(Rules(rules, "filter", ExternalServicesChain));
    }

    [Fact]
    public void Local_external_policy_without_local_endpoints_drops_outside_traffic_but_serves_pods()
    {
        var rules = Render(new TestServiceCatalog()
            .Service("""
                metadata: {name: svc1, namespace: ns1}
                spec:
                  type: NodePort
                  clusterIP: 172.30.0.41
                  externalIPs: [192.0.2.10]
                  externalTrafficPolicy: Local
                  ports: [{name: p80, port: 80, protocol: TCP, nodePort: 30080}]
                """)
            .Slice(TestServiceCatalog.ReadySlice("ns1", "svc1", "p80", 80, "10.180.0.2@n2")));

        Assert.Equal(
        [
            "-A SHIM-EXTERNAL-SERVICES -d 192.0.2.10/32 -p tcp -m comment --comment \"ns1/svc1:p80 has no local endpoints\" -m tcp --dport 80 -j DROP",
            "-A SHIM-EXTERNAL-SERVICES -p tcp -m comment --comment \"ns1/svc1:p80 has no local endpoints\" -m addrtype --dst-type LOCAL -m tcp --dport 30080 -j DROP",
        ], Rules(rules, "filter", ExternalServicesChain));
        Assert.DoesNotContain(Rules(rules, "nat", Ext), r => r.EndsWith(Svl, StringComparison.Ordinal));
        Assert.Null(rules.Find("nat", Svl));
        Assert.Equal($"-A SHIM-NODEPORTS -p tcp -m comment --comment \"ns1/svc1:p80\" -m tcp --dport 30080 -j {Ext}", Rules(rules, "nat", NodePortsChain)[0]);
    }

    [Fact]
    public void Internal_policy_local_sends_the_cluster_ip_to_this_nodes_endpoints_only()
    {
        var catalog = new TestServiceCatalog()
            .Service("""
                metadata: {name: kube-dns, namespace: kube-system}
                spec: {clusterIP: 10.96.0.10, internalTrafficPolicy: Local, ports: [{name: dns, port: 53, protocol: UDP}]}
                """)
            .Slice("""
                metadata: {name: kube-dns-n1, namespace: kube-system, labels: {kubernetes.io/service-name: kube-dns}}
                ports: [{name: dns, port: 53, protocol: UDP}]
                endpoints: [{addresses: [10.244.1.1], conditions: {ready: true}, nodeName: n1}]
                """)
            .Slice("""
                metadata: {name: kube-dns-n2, namespace: kube-system, labels: {kubernetes.io/service-name: kube-dns}}
                ports: [{name: dns, port: 53, protocol: UDP}]
                endpoints: [{addresses: [10.244.2.1], conditions: {ready: true}, nodeName: n2}]
                """);
        var svl = LocalPolicy("kube-system/kube-dns:dns", "udp");
        var local = Endpoint("kube-system/kube-dns:dns", "udp", "10.244.1.1:53");

        var rules = Render(catalog);
        Assert.Equal($"-A SHIM-SERVICES -d 10.96.0.10/32 -p udp -m comment --comment \"kube-system/kube-dns:dns cluster IP\" -m udp --dport 53 -j {svl}", Rules(rules, "nat", ServicesChain)[0]);
        Assert.Equal(
        [
            $"-A {svl} ! -s 10.244.0.0/16 -d 10.96.0.10/32 -p udp -m comment --comment \"kube-system/kube-dns:dns cluster IP\" -m udp --dport 53 -j SHIM-MARK-MASQ",
            $"-A {svl} -m comment --comment \"kube-system/kube-dns:dns -> 10.244.1.1:53\" -j {local}",
        ], Rules(rules, "nat", svl));
        Assert.Null(rules.Find("nat", ClusterPolicy("kube-system/kube-dns:dns", "udp")));
        Assert.Equal(1, rules.Endpoints);

        // On a node without its own endpoint the cluster IP is dropped, not sent to another node.
        var elsewhere = ProxyRuleRenderer.Render(catalog.Services(), catalog.EndpointSlices(), Options with { NodeName = "n3" }, masqueradeRandomFully: true);
        Assert.Equal(
            ["-A SHIM-SERVICES -d 10.96.0.10/32 -p udp -m comment --comment \"kube-system/kube-dns:dns has no local endpoints\" -m udp --dport 53 -j DROP"],
            Rules(elsewhere, "filter", ServicesChain));
        Assert.Equal([NodePortsRule], Rules(elsewhere, "nat", ServicesChain));
        Assert.Equal(0, elsewhere.Endpoints);
    }

    [Fact]
    public void Client_ip_affinity_checks_recent_clients_before_choosing_and_records_them_on_dnat()
    {
        var rules = Render(new TestServiceCatalog()
            .Service("""
                metadata: {name: svc1, namespace: ns1}
                spec: {clusterIP: 172.30.0.41, sessionAffinity: ClientIP, sessionAffinityConfig: {clientIP: {timeoutSeconds: 600}}, ports: [{name: p80, port: 80}]}
                """)
            .Slice(TestServiceCatalog.ReadySlice("ns1", "svc1", "p80", 80, "10.180.0.1", "10.180.0.2")));

        Assert.Equal(
        [
            $"-A {Svc} ! -s 10.244.0.0/16 -d 172.30.0.41/32 -p tcp -m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp --dport 80 -j SHIM-MARK-MASQ",
            $"-A {Svc} -m comment --comment \"ns1/svc1:p80 -> 10.180.0.1:80\" -m recent --name {Sep1} --rcheck --seconds 600 --reap -j {Sep1}",
            $"-A {Svc} -m comment --comment \"ns1/svc1:p80 -> 10.180.0.2:80\" -m recent --name {Sep2} --rcheck --seconds 600 --reap -j {Sep2}",
            $"-A {Svc} -m comment --comment \"ns1/svc1:p80 -> 10.180.0.1:80\" -m statistic --mode random --probability 0.5000000000 -j {Sep1}",
            $"-A {Svc} -m comment --comment \"ns1/svc1:p80 -> 10.180.0.2:80\" -j {Sep2}",
        ], Rules(rules, "nat", Svc));
        Assert.Equal($"-A {Sep2} -p tcp -m comment --comment \"ns1/svc1:p80\" -m recent --set --name {Sep2} -m tcp -j DNAT --to-destination 10.180.0.2:80", Rules(rules, "nat", Sep2)[1]);
    }

    [Fact]
    public void A_service_without_endpoints_is_rejected_on_every_address()
    {
        var rules = Render(new TestServiceCatalog()
            .Service("""
                metadata: {name: svc1, namespace: ns1}
                spec: {type: NodePort, clusterIP: 172.30.0.41, externalIPs: [192.0.2.10], ports: [{name: p80, port: 80, nodePort: 30080}]}
                """)
            .Slice("""
                metadata: {name: svc1-1, namespace: ns1, labels: {kubernetes.io/service-name: svc1}}
                ports: [{name: p80, port: 80, protocol: TCP}]
                endpoints: [{addresses: [10.180.0.1], conditions: {ready: false, serving: false, terminating: false}}]
                """));

        Assert.Equal(
            ["-A SHIM-SERVICES -d 172.30.0.41/32 -p tcp -m comment --comment \"ns1/svc1:p80 has no endpoints\" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable"],
            Rules(rules, "filter", ServicesChain));
        Assert.Equal(
        [
            "-A SHIM-EXTERNAL-SERVICES -d 192.0.2.10/32 -p tcp -m comment --comment \"ns1/svc1:p80 has no endpoints\" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable",
            "-A SHIM-EXTERNAL-SERVICES -p tcp -m comment --comment \"ns1/svc1:p80 has no endpoints\" -m addrtype --dst-type LOCAL -m tcp --dport 30080 -j REJECT --reject-with icmp-port-unreachable",
        ], Rules(rules, "filter", ExternalServicesChain));
        Assert.Equal([NodePortsRule], Rules(rules, "nat", ServicesChain));
        Assert.Empty(Rules(rules, "nat", NodePortsChain));
        Assert.DoesNotContain(rules.Chains, c => IsPerService(c.Name));
    }

    [Fact]
    public void Ready_endpoints_win_and_serving_terminating_ones_are_the_fallback()
    {
        var catalog = new TestServiceCatalog()
            .Service(ClusterIpService())
            .Slice("""
                metadata: {name: svc1-1, namespace: ns1, labels: {kubernetes.io/service-name: svc1}}
                ports: [{name: p80, port: 80, protocol: TCP}]
                endpoints:
                - {addresses: [10.180.0.1], conditions: {ready: false, serving: true, terminating: true}}
                - {addresses: [10.180.0.2], conditions: {ready: true, serving: true, terminating: false}}
                - {addresses: [10.180.0.3], conditions: {ready: false, serving: false, terminating: true}}
                """);
        Assert.Equal([$"-A {Svc} -m comment --comment \"ns1/svc1:p80 -> 10.180.0.2:80\" -j {Sep2}"], Rules(Render(catalog), "nat", Svc).Skip(1));

        catalog.Slice("""
            metadata: {name: svc1-1, namespace: ns1, labels: {kubernetes.io/service-name: svc1}}
            ports: [{name: p80, port: 80, protocol: TCP}]
            endpoints:
            - {addresses: [10.180.0.1], conditions: {ready: false, serving: true, terminating: true}}
            - {addresses: [10.180.0.3], conditions: {ready: false, serving: false, terminating: true}}
            """);
        Assert.Equal([$"-A {Svc} -m comment --comment \"ns1/svc1:p80 -> 10.180.0.1:80\" -j {Sep1}"], Rules(Render(catalog), "nat", Svc).Skip(1));
    }

    [Fact]
    public void Endpoints_of_several_slices_merge_and_an_address_in_two_slices_counts_once()
    {
        var catalog = new TestServiceCatalog()
            .Service(ClusterIpService())
            .Slice("""
                metadata: {name: svc1-a, namespace: ns1, labels: {kubernetes.io/service-name: svc1}}
                ports: [{name: p80, port: 80, protocol: TCP}]
                endpoints: [{addresses: [10.180.0.2], conditions: {ready: true}}, {addresses: [10.180.0.1], conditions: {ready: false, serving: true, terminating: true}}]
                """)
            .Slice("""
                metadata: {name: svc1-b, namespace: ns1, labels: {kubernetes.io/service-name: svc1}}
                ports: [{name: p80, port: 80, protocol: TCP}]
                endpoints: [{addresses: [10.180.0.1], conditions: {ready: true}}]
                """)
            .Slice("""
                metadata: {name: other-a, namespace: ns2, labels: {kubernetes.io/service-name: svc1}}
                ports: [{name: p80, port: 80, protocol: TCP}]
                endpoints: [{addresses: [10.180.0.9], conditions: {ready: true}}]
                """);

        var rules = Render(catalog);
        Assert.Equal(
        [
            $"-A {Svc} -m comment --comment \"ns1/svc1:p80 -> 10.180.0.1:80\" -m statistic --mode random --probability 0.5000000000 -j {Sep1}",
            $"-A {Svc} -m comment --comment \"ns1/svc1:p80 -> 10.180.0.2:80\" -j {Sep2}",
        ], Rules(rules, "nat", Svc).Skip(1));
        Assert.Equal(2, rules.Endpoints);
    }

    [Fact]
    public void Headless_and_external_name_services_get_no_rules()
    {
        var rules = Render(new TestServiceCatalog()
            .Service("""
                metadata: {name: db, namespace: ns1}
                spec: {clusterIP: None, ports: [{name: p80, port: 80}]}
                """)
            .Service("""
                metadata: {name: ext, namespace: ns1}
                spec: {type: ExternalName, externalName: example.com, ports: [{name: p80, port: 80}]}
                """)
            .Slice(TestServiceCatalog.ReadySlice("ns1", "db", "p80", 80, "10.180.0.1")));

        Assert.Equal(0, rules.ServicePorts);
        Assert.Equal([NodePortsRule], Rules(rules, "nat", ServicesChain));
        Assert.DoesNotContain(rules.Chains, c => IsPerService(c.Name));
    }

    [Fact]
    public void Postrouting_masquerades_marked_traffic_and_pods_leaving_the_cluster_network()
    {
        var rules = Render(new TestServiceCatalog());
        Assert.Equal(
        [
            "-A SHIM-POSTROUTING -s 10.244.1.0/24 ! -d 10.244.0.0/16 -m comment --comment \"pod traffic leaving the cluster network\" -j MASQUERADE",
            "-A SHIM-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
            "-A SHIM-POSTROUTING -j MARK --xor-mark 0x4000",
            "-A SHIM-POSTROUTING -m comment --comment \"shim service traffic requiring SNAT\" -j MASQUERADE --random-fully",
        ], Rules(rules, "nat", PostroutingChain));
        Assert.Equal(["-A SHIM-MARK-MASQ -j MARK --or-mark 0x4000"], Rules(rules, "nat", MarkMasqueradeChain));

        // Until the node has a pod CIDR there is no pod rule; without --random-fully support MASQUERADE goes without it.
        var early = ProxyRuleRenderer.Render([], [], Options with { PodCidr = null }, masqueradeRandomFully: false);
        Assert.Equal(
        [
            "-A SHIM-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
            "-A SHIM-POSTROUTING -j MARK --xor-mark 0x4000",
            "-A SHIM-POSTROUTING -m comment --comment \"shim service traffic requiring SNAT\" -j MASQUERADE",
        ], Rules(early, "nat", PostroutingChain));
    }

    [Fact]
    public void Forward_accepts_marked_established_and_pod_traffic()
    {
        Assert.Equal(
        [
            "-A SHIM-FORWARD -m conntrack --ctstate INVALID -j DROP",
            "-A SHIM-FORWARD -m comment --comment \"shim forwarding rules\" -m mark --mark 0x4000/0x4000 -j ACCEPT",
            "-A SHIM-FORWARD -m comment --comment \"shim forwarding conntrack rule\" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
            "-A SHIM-FORWARD -s 10.244.0.0/16 -m comment --comment \"traffic from pods\" -j ACCEPT",
            "-A SHIM-FORWARD -d 10.244.0.0/16 -m comment --comment \"traffic to pods\" -j ACCEPT",
        ], Rules(Render(new TestServiceCatalog()), "filter", ForwardChain));
    }

    [Fact]
    public void Large_clusters_leave_out_per_endpoint_comments()
    {
        var catalog = new TestServiceCatalog();
        for (var i = 0; i < 501; i++)
        {
            catalog.Service($$"""
                metadata: {name: s{{i}}, namespace: big}
                spec: {clusterIP: 172.30.{{i / 250}}.{{i % 250}}, ports: [{name: http, port: 80}]}
                """);
            catalog.Slice(TestServiceCatalog.ReadySlice("big", $"s{i}", "http", 8080, $"10.181.{i / 250}.{i % 250}", $"10.182.{i / 250}.{i % 250}"));
        }

        var rules = Render(catalog);
        Assert.Equal(1002, rules.Endpoints);
        var svc = ClusterPolicy("big/s0:http", "tcp");
        var sep = Endpoint("big/s0:http", "tcp", "10.181.0.0:8080");
        Assert.Equal($"-A {svc} -m statistic --mode random --probability 0.5000000000 -j {sep}", Rules(rules, "nat", svc)[1]);
        Assert.Equal([$"-A {sep} -s 10.181.0.0/32 -j SHIM-MARK-MASQ", $"-A {sep} -p tcp -m tcp -j DNAT --to-destination 10.181.0.0:8080"], Rules(rules, "nat", sep));
        // The per-service rules keep theirs.
        Assert.Contains("\"big/s0:http cluster IP\"", Rules(rules, "nat", ServicesChain)[0], StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_objects_in_another_order_give_the_same_rules()
    {
        var catalog = new TestServiceCatalog()
            .Service(ClusterIpService())
            .Service("""
                metadata: {name: a, namespace: ns0}
                spec: {clusterIP: 172.30.0.9, ports: [{name: x, port: 1}]}
                """)
            .Slice(TestServiceCatalog.ReadySlice("ns1", "svc1", "p80", 80, "10.180.0.2", "10.180.0.1"))
            .Slice(TestServiceCatalog.ReadySlice("ns0", "a", "x", 1, "10.180.0.5"));

        var forward = Render(catalog);
        var backward = ProxyRuleRenderer.Render(catalog.Services().Reverse(), catalog.EndpointSlices().Reverse(), Options, masqueradeRandomFully: true);
        Assert.Equal(forward.Chains.Select(c => c.Name + "\n" + c.Text), backward.Chains.Select(c => c.Name + "\n" + c.Text));
    }

    [Fact]
    public void Rendering_on_top_of_the_previous_ruleset_reuses_unchanged_ports_and_gives_the_same_rules()
    {
        var catalog = new TestServiceCatalog()
            .Service(ClusterIpService())
            .Service("""
                metadata: {name: svc2, namespace: ns1}
                spec: {clusterIP: 172.30.0.42, ports: [{name: p80, port: 80}]}
                """)
            .Slice(TestServiceCatalog.ReadySlice("ns1", "svc1", "p80", 80, "10.180.0.1", "10.180.0.2"))
            .Slice(TestServiceCatalog.ReadySlice("ns1", "svc2", "p80", 80, "10.180.0.5"));
        var first = Render(catalog);

        catalog.Slice(TestServiceCatalog.ReadySlice("ns1", "svc1", "p80", 80, "10.180.0.3", "10.180.0.2"));
        var reused = ProxyRuleRenderer.Render(catalog.Services(), catalog.EndpointSlices(), Options, masqueradeRandomFully: true, first);
        var fresh = Render(catalog);

        Assert.Equal(fresh.Chains.Select(c => c.Name + "\n" + c.Text), reused.Chains.Select(c => c.Name + "\n" + c.Text));
        var svc2 = ClusterPolicy("ns1/svc2:p80", "tcp");
        Assert.Same(first.Find("nat", svc2), reused.Find("nat", svc2));
        Assert.NotSame(first.Find("nat", Svc), reused.Find("nat", Svc));
    }

    private static string ClusterIpService(string type = "ClusterIP", int nodePort = 0) => $$"""
        metadata: {name: svc1, namespace: ns1}
        spec: {type: {{type}}, clusterIP: 172.30.0.41, ports: [{name: p80, port: 80, protocol: TCP{{(nodePort == 0 ? "" : $", nodePort: {nodePort}")}}}]}
        """;

    private static ProxyRuleSet Render(TestServiceCatalog catalog) => ProxyRuleRenderer.Render(catalog.Services(), catalog.EndpointSlices(), Options, masqueradeRandomFully: true);

    private static List<string> Rules(ProxyRuleSet rules, string table, string chain) =>
        [.. (rules.Find(table, chain) ?? throw new InvalidOperationException($"no chain {table}/{chain}")).Rules];
}
