using System.Net;
using Shim.Agent.Dns;
using Shim.Agent.Tests.Services;

namespace Shim.Agent.Tests.Dns;

/// <summary>The cluster zone's answers, as CoreDNS's kubernetes plugin gives them, for the sample catalog.</summary>
public sealed class ClusterDnsResolverTests
{
    private readonly TestServiceCatalog _catalog = DnsSample.Catalog();
    private readonly ClusterDnsResolver _resolver;

    public ClusterDnsResolverTests() => _resolver = new ClusterDnsResolver(_catalog, new ClusterDnsOptions(), TimeProvider.System);

    [Fact]
    public void A_cluster_ip_service_resolves_to_its_cluster_ip()
    {
        var answer = Resolve("web.default.svc.cluster.local", DnsType.A);

        Assert.Equal(DnsResponseCode.NoError, answer.ResponseCode);
        var record = Assert.Single(answer.Answers);
        Assert.Equal(new DnsResourceRecord("web.default.svc.cluster.local", DnsType.A, DnsClass.Internet, 5, new DnsAddressData(IPAddress.Parse("10.96.0.20"))), record);
        Assert.Empty(answer.Authorities);
        Assert.Equal(["10.96.0.1"], Addresses(Resolve("kubernetes.default.svc.cluster.local", DnsType.A)));
    }

    [Fact]
    public void Names_match_without_case_and_answers_keep_the_question_spelling()
    {
        var answer = Resolve("Web.DEFAULT.svc.Cluster.Local", DnsType.A);

        Assert.Equal("Web.DEFAULT.svc.Cluster.Local", Assert.Single(answer.Answers).Name);
        Assert.Equal("Cluster.Local", Assert.Single(Resolve("nope.DEFAULT.svc.Cluster.Local", DnsType.A).Authorities).Name);
    }

    [Fact]
    public void A_type_the_name_lacks_is_nodata_with_the_soa()
    {
        foreach (var type in new[] { DnsType.AAAA, DnsType.TXT, DnsType.MX, DnsType.CNAME, DnsType.PTR, DnsType.ANY })
        {
            var answer = Resolve("web.default.svc.cluster.local", type);
            Assert.Equal(DnsResponseCode.NoError, answer.ResponseCode);
            Assert.Empty(answer.Answers);
            AssertSoa(Assert.Single(answer.Authorities));
        }
    }

    [Theory]
    [InlineData("nope.default.svc.cluster.local")]
    [InlineData("web.nonamespace.svc.cluster.local")]
    [InlineData("x.y.web.default.svc.cluster.local")]
    [InlineData("a.b.c.web.default.svc.cluster.local")]
    [InlineData("web.default.cluster.local")]
    [InlineData("anything.cluster.local")]
    [InlineData("10-244-1-7.web.default.svc.cluster.local.extra.cluster.local")]
    [InlineData("_http._udp.web.default.svc.cluster.local")]
    [InlineData("_nope._tcp.db.data.svc.cluster.local")]
    [InlineData("db-9.db.data.svc.cluster.local")]
    [InlineData("not-an-ip.default.pod.cluster.local")]
    [InlineData("10-244-1-300.default.pod.cluster.local")]
    public void A_missing_name_is_nxdomain_with_the_soa(string name)
    {
        var answer = Resolve(name, DnsType.A);

        Assert.Equal(DnsResponseCode.NameError, answer.ResponseCode);
        Assert.Empty(answer.Answers);
        AssertSoa(Assert.Single(answer.Authorities));
    }

    [Theory]
    [InlineData("cluster.local")]
    [InlineData("svc.cluster.local")]
    [InlineData("default.svc.cluster.local")]
    [InlineData("pod.cluster.local")]
    [InlineData("default.pod.cluster.local")]
    public void The_zone_structure_exists_without_addresses(string name)
    {
        var answer = Resolve(name, DnsType.A);

        Assert.Equal(DnsResponseCode.NoError, answer.ResponseCode);
        Assert.Empty(answer.Answers);
        AssertSoa(Assert.Single(answer.Authorities));
    }

    [Fact]
    public void The_zone_answers_soa_ns_and_its_version()
    {
        AssertSoa(Assert.Single(Resolve("cluster.local", DnsType.SOA).Answers));

        var ns = Resolve("cluster.local", DnsType.NS);
        Assert.Equal(new DnsNameData("ns.dns.cluster.local"), Assert.Single(ns.Answers).Data);
        var glue = Assert.Single(ns.Additionals);
        Assert.Equal(("ns.dns.cluster.local", "10.96.0.10"), (glue.Name, ((DnsAddressData)glue.Data).Address.ToString()));
        Assert.Equal(["10.96.0.10"], Addresses(Resolve("ns.dns.cluster.local", DnsType.A)));

        Assert.Equal(new DnsTextData(["1.1.0"]), Assert.Single(Resolve("dns-version.cluster.local", DnsType.TXT).Answers).Data);
    }

    [Fact]
    public void A_headless_service_resolves_to_its_ready_endpoints_once_each()
    {
        // db-0 appears in two slices; db-2 is not ready.
        Assert.Equal(["10.244.1.10", "10.244.2.11"], Addresses(Resolve("db.data.svc.cluster.local", DnsType.A)));
    }

    [Fact]
    public void Publish_not_ready_addresses_makes_every_endpoint_count()
    {
        _catalog.Service("""
            metadata: {name: db, namespace: data}
            spec: {clusterIP: None, publishNotReadyAddresses: true, ports: [{name: pg, port: 5432, protocol: TCP}]}
            """);
        _resolver.Invalidate();

        Assert.Equal(["10.244.1.10", "10.244.2.11", "10.244.2.12"], Addresses(Resolve("db.data.svc.cluster.local", DnsType.A)));
        Assert.Equal(["10.244.2.12"], Addresses(Resolve("db-2.db.data.svc.cluster.local", DnsType.A)));
    }

    [Fact]
    public void A_headless_service_without_endpoints_is_nxdomain()
    {
        _catalog.Service("""
            metadata: {name: empty, namespace: data}
            spec: {clusterIP: None, ports: [{name: x, port: 1, protocol: TCP}]}
            """);
        _resolver.Invalidate();

        Assert.Equal(DnsResponseCode.NameError, Resolve("empty.data.svc.cluster.local", DnsType.A).ResponseCode);
    }

    [Fact]
    public void Endpoint_hostnames_and_dashed_addresses_name_single_endpoints()
    {
        Assert.Equal(["10.244.2.11"], Addresses(Resolve("db-1.db.data.svc.cluster.local", DnsType.A)));
        Assert.Equal(["10.244.3.6"], Addresses(Resolve("10-244-3-6.peers.data.svc.cluster.local", DnsType.A)));
        // An endpoint with a hostname answers to that name only.
        Assert.Equal(DnsResponseCode.NameError, Resolve("10-244-2-11.db.data.svc.cluster.local", DnsType.A).ResponseCode);
        // CoreDNS names the endpoints of ClusterIP services too.
        Assert.Equal(["10.244.1.7"], Addresses(Resolve("10-244-1-7.web.default.svc.cluster.local", DnsType.A)));
        // A not-ready endpoint has no name.
        Assert.Equal(DnsResponseCode.NameError, Resolve("db-2.db.data.svc.cluster.local", DnsType.A).ResponseCode);
    }

    [Fact]
    public void An_external_name_service_is_a_cname_whose_target_the_server_resolves_upstream()
    {
        var answer = Resolve("ext.default.svc.cluster.local", DnsType.A);

        Assert.Equal(new DnsResourceRecord("ext.default.svc.cluster.local", DnsType.CNAME, DnsClass.Internet, 5, new DnsNameData("example.org")), Assert.Single(answer.Answers));
        Assert.Equal("example.org", answer.UpstreamTarget);

        var cname = Resolve("ext.default.svc.cluster.local", DnsType.CNAME);
        Assert.Single(cname.Answers);
        Assert.Null(cname.UpstreamTarget);
        Assert.Equal(DnsResponseCode.NameError, Resolve("x.ext.default.svc.cluster.local", DnsType.A).ResponseCode);
    }

    [Fact]
    public void An_external_name_inside_the_zone_is_followed()
    {
        _catalog.Service("""
            metadata: {name: alias, namespace: default}
            spec: {type: ExternalName, externalName: web.default.svc.cluster.local.}
            """).Service("""
            metadata: {name: loop, namespace: default}
            spec: {type: ExternalName, externalName: loop.default.svc.cluster.local}
            """);
        _resolver.Invalidate();

        var answer = Resolve("alias.default.svc.cluster.local", DnsType.A);
        Assert.Equal([DnsType.CNAME, DnsType.A], answer.Answers.Select(a => a.Type));
        Assert.Equal("web.default.svc.cluster.local", answer.Answers[1].Name);
        Assert.Null(answer.UpstreamTarget);

        // A CNAME loop ends after a few steps instead of recursing forever.
        Assert.InRange(Resolve("loop.default.svc.cluster.local", DnsType.A).Answers.Count, 1, 10);
    }

    [Fact]
    public void Srv_of_a_named_port_points_at_the_service_with_its_address_alongside()
    {
        var answer = Resolve("_http._tcp.web.default.svc.cluster.local", DnsType.SRV);

        var srv = Assert.Single(answer.Answers);
        Assert.Equal(new DnsSrvData(0, 100, 80, "web.default.svc.cluster.local"), srv.Data);
        Assert.Equal("_http._tcp.web.default.svc.cluster.local", srv.Name);
        var glue = Assert.Single(answer.Additionals);
        Assert.Equal(("web.default.svc.cluster.local", DnsType.A), (glue.Name, glue.Type));
    }

    [Fact]
    public void Srv_of_a_service_name_lists_all_its_ports()
    {
        var answer = Resolve("web.default.svc.cluster.local", DnsType.SRV);

        Assert.Equal([new DnsSrvData(0, 50, 80, "web.default.svc.cluster.local"), new DnsSrvData(0, 50, 9090, "web.default.svc.cluster.local")], answer.Answers.Select(a => a.Data));
        Assert.Single(answer.Additionals);
    }

    [Fact]
    public void Srv_of_a_headless_service_names_each_endpoint()
    {
        var answer = Resolve("_pg._tcp.db.data.svc.cluster.local", DnsType.SRV);

        Assert.Equal(["db-0.db.data.svc.cluster.local", "db-1.db.data.svc.cluster.local"], answer.Answers.Select(a => ((DnsSrvData)a.Data).Target));
        Assert.All(answer.Answers, a => Assert.Equal(5432, ((DnsSrvData)a.Data).Port));
        Assert.Equal(["db-0.db.data.svc.cluster.local 10.244.1.10", "db-1.db.data.svc.cluster.local 10.244.2.11"],
            answer.Additionals.Select(a => $"{a.Name} {((DnsAddressData)a.Data).Address}"));

        var dashed = Resolve("_gossip._udp.peers.data.svc.cluster.local", DnsType.SRV);
        Assert.Equal(["10-244-3-5.peers.data.svc.cluster.local", "10-244-3-6.peers.data.svc.cluster.local"], dashed.Answers.Select(a => ((DnsSrvData)a.Data).Target));
    }

    [Fact]
    public void Pod_names_carry_their_address()
    {
        Assert.Equal(["10.244.1.5"], Addresses(Resolve("10-244-1-5.anything.pod.cluster.local", DnsType.A)));
        Assert.Empty(Resolve("10-244-1-5.default.pod.cluster.local", DnsType.AAAA).Answers);
        Assert.Equal(["fd00::5"], Addresses(Resolve("fd00--5.default.pod.cluster.local", DnsType.AAAA)));
    }

    [Fact]
    public void Reverse_names_of_cluster_ips_and_endpoints_resolve_and_others_go_upstream()
    {
        Assert.Equal(new DnsNameData("web.default.svc.cluster.local"), Assert.Single(Resolve("20.0.96.10.in-addr.arpa", DnsType.PTR).Answers).Data);
        Assert.Equal(new DnsNameData("db-1.db.data.svc.cluster.local"), Assert.Single(Resolve("11.2.244.10.IN-ADDR.ARPA", DnsType.PTR).Answers).Data);
        Assert.Equal(new DnsNameData("10-244-3-6.peers.data.svc.cluster.local"), Assert.Single(Resolve("6.3.244.10.in-addr.arpa", DnsType.PTR).Answers).Data);

        Assert.Null(_resolver.Resolve(new DnsQuestion("8.8.8.8.in-addr.arpa", DnsType.PTR)));
        Assert.Null(_resolver.Resolve(new DnsQuestion("96.10.in-addr.arpa", DnsType.PTR)));
        Assert.Null(_resolver.Resolve(new DnsQuestion("20.0.96.10.in-addr.arpa", DnsType.A)));
    }

    [Fact]
    public void Names_outside_the_zone_go_upstream()
    {
        Assert.Null(_resolver.Resolve(new DnsQuestion("example.org", DnsType.A)));
        Assert.Null(_resolver.Resolve(new DnsQuestion("local", DnsType.SOA)));
        Assert.Null(_resolver.Resolve(new DnsQuestion("web.default.svc.cluster.local", DnsType.A, 3)));
    }

    [Fact]
    public void Changes_show_after_invalidate_and_not_before()
    {
        Assert.Equal(["10.96.0.20"], Addresses(Resolve("web.default.svc.cluster.local", DnsType.A)));
        _catalog.Service("""
            metadata: {name: web, namespace: default}
            spec: {clusterIP: 10.96.0.99, ports: [{name: http, port: 80, protocol: TCP}]}
            """).RemoveService("default", "kubernetes");
        Assert.Equal(["10.96.0.20"], Addresses(Resolve("web.default.svc.cluster.local", DnsType.A)));

        _resolver.Invalidate();

        Assert.Equal(["10.96.0.99"], Addresses(Resolve("web.default.svc.cluster.local", DnsType.A)));
        Assert.Equal(DnsResponseCode.NameError, Resolve("kubernetes.default.svc.cluster.local", DnsType.A).ResponseCode);
    }

    [Fact]
    public void Another_cluster_domain_is_honoured()
    {
        var resolver = new ClusterDnsResolver(_catalog, new ClusterDnsOptions { ClusterDomain = "k8s.example.com." }, TimeProvider.System);

        Assert.Single(resolver.Resolve(new DnsQuestion("web.default.svc.k8s.example.com", DnsType.A))!.Answers);
        Assert.Null(resolver.Resolve(new DnsQuestion("web.default.svc.cluster.local", DnsType.A)));
        Assert.Equal(new DnsNameData("web.default.svc.k8s.example.com"), Assert.Single(resolver.Resolve(new DnsQuestion("20.0.96.10.in-addr.arpa", DnsType.PTR))!.Answers).Data);
    }

    private ClusterDnsAnswer Resolve(string name, DnsType type) =>
        _resolver.Resolve(new DnsQuestion(name, type)) ?? throw new InvalidOperationException($"{name} went upstream");

    private static List<string> Addresses(ClusterDnsAnswer answer) =>
        [.. answer.Answers.Select(a => ((DnsAddressData)a.Data).Address.ToString()).Order(StringComparer.Ordinal)];

    private static void AssertSoa(DnsResourceRecord record)
    {
        Assert.Equal(DnsType.SOA, record.Type);
        Assert.Equal(5u, record.Ttl);
        var soa = Assert.IsType<DnsSoaData>(record.Data);
        Assert.Equal(("ns.dns.cluster.local", "hostmaster.cluster.local", 7200u, 1800u, 86400u, 5u), (soa.PrimaryServer.ToLowerInvariant(), soa.Mailbox.ToLowerInvariant(), soa.Refresh, soa.Retry, soa.Expire, soa.Minimum));
        Assert.True(soa.Serial > 0);
    }
}
