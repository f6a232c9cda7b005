using System.Net;
using Shim.Agent.Dns;
using Shim.Agent.Tests.Services;

namespace Shim.Agent.Tests.Dns;

/// <summary>
/// Names outside the cluster go to the resolv.conf's nameservers: here fake ones on their own loopback addresses,
/// so nothing leaves the machine.
/// </summary>
public sealed class DnsForwardingTests
{
    [Fact]
    public async Task Other_names_are_forwarded_over_the_clients_transport_with_its_id()
    {
        await using var upstream = FakeUpstreamDns.Start();
        await using var running = await RunningDnsServer.StartAsync(DnsSample.Catalog(), [upstream.Endpoint.Address]);

        var udp = await DnsTestClient.UdpAsync(running.Endpoint, DnsTestClient.Query("www.example.org", DnsType.A, id: 0x7777));
        Assert.Equal(0x7777, udp.Id);
        Assert.Equal(FakeUpstreamDns.Address, ((DnsAddressData)Assert.Single(udp.Answers).Data).Address);
        Assert.Equal(300u, udp.Answers[0].Ttl); // the upstream's answer, untouched
        Assert.Equal((1, 0), (upstream.UdpQueries, upstream.TcpQueries));

        var tcp = await DnsTestClient.TcpAsync(running.Endpoint, DnsTestClient.Query("www.example.org", DnsType.A, id: 0x8888));
        Assert.Equal(0x8888, tcp.Id);
        Assert.Single(tcp.Answers);
        Assert.Equal((1, 1), (upstream.UdpQueries, upstream.TcpQueries));

        // Reverse names of addresses the cluster does not know go upstream too; those it knows do not.
        await DnsTestClient.UdpAsync(running.Endpoint, DnsTestClient.Query("4.3.2.1.in-addr.arpa", DnsType.PTR));
        await DnsTestClient.UdpAsync(running.Endpoint, DnsTestClient.Query("20.0.96.10.in-addr.arpa", DnsType.PTR));
        Assert.Equal(["www.example.org", "www.example.org", "4.3.2.1.in-addr.arpa"], upstream.Questions.Select(q => q.Name));
    }

    [Fact]
    public async Task A_server_that_refuses_or_stays_silent_is_skipped_for_the_next()
    {
        await using var silent = FakeUpstreamDns.Start(silent: true);
        await using var upstream = FakeUpstreamDns.Start();
        var nobody = FakeUpstreamDns.FreeLoopbackAddress();
        await using var running = await RunningDnsServer.StartAsync(
            DnsSample.Catalog(),
            [nobody, silent.Endpoint.Address, upstream.Endpoint.Address],
            new ClusterDnsOptions { UpstreamTimeout = TimeSpan.FromMilliseconds(300) });

        var answer = await DnsTestClient.UdpAsync(running.Endpoint, DnsTestClient.Query("www.example.org", DnsType.A));

        Assert.Equal(DnsResponseCode.NoError, answer.ResponseCode);
        Assert.Single(answer.Answers);
        Assert.Equal(1, silent.UdpQueries);
        Assert.Equal(1, upstream.UdpQueries);
    }

    [Fact]
    public async Task Servfail_when_no_upstream_answers()
    {
        await using var silent = FakeUpstreamDns.Start(silent: true);
        await using var running = await RunningDnsServer.StartAsync(
            DnsSample.Catalog(),
            [FakeUpstreamDns.FreeLoopbackAddress(), silent.Endpoint.Address],
            new ClusterDnsOptions { UpstreamTimeout = TimeSpan.FromMilliseconds(300) });

        var answer = await DnsTestClient.UdpAsync(running.Endpoint, DnsTestClient.Query("www.example.org", DnsType.A, id: 0x9999));

        Assert.Equal((0x9999, DnsResponseCode.ServerFailure), (answer.Id, answer.ResponseCode));
        Assert.Equal("www.example.org", Assert.Single(answer.Questions).Name);
    }

    [Fact]
    public async Task Servfail_when_the_resolv_conf_lists_only_this_server()
    {
        await using var running = await RunningDnsServer.StartAsync(DnsSample.Catalog(), [], listen: FakeUpstreamDns.FreeLoopbackAddress(), port: 53);
        Assert.Empty(ResolvConfNameservers.Parse([$"nameserver {running.Endpoint.Address}"], running.Endpoint));

        var answer = await DnsTestClient.UdpAsync(running.Endpoint, DnsTestClient.Query("www.example.org", DnsType.A));

        Assert.Equal(DnsResponseCode.ServerFailure, answer.ResponseCode);
    }

    [Fact]
    public async Task An_external_name_outside_the_zone_comes_back_with_the_upstream_addresses()
    {
        await using var upstream = FakeUpstreamDns.Start();
        await using var running = await RunningDnsServer.StartAsync(DnsSample.Catalog(), [upstream.Endpoint.Address]);

        var answer = await DnsTestClient.UdpAsync(running.Endpoint, DnsTestClient.Query("ext.default.svc.cluster.local", DnsType.A));

        Assert.Equal([DnsType.CNAME, DnsType.A], answer.Answers.Select(a => a.Type));
        Assert.Equal(("example.org", FakeUpstreamDns.Address), (answer.Answers[1].Name, ((DnsAddressData)answer.Answers[1].Data).Address));
        Assert.Equal(new DnsQuestion("example.org", DnsType.A), Assert.Single(upstream.Questions));
    }

    [Fact]
    public void The_resolv_conf_yields_its_nameservers_except_this_server()
    {
        string[] lines =
        [
            "# comment",
            "search default.svc.cluster.local",
            "nameserver 127.0.0.53",
            "nameserver\t10.0.0.2 # trailing",
            "nameserver not-an-address",
            "nameserver 10.244.1.1",
            "nameserver fe80::1%2",
            "nameserver 127.0.0.53",
            "options edns0",
        ];

        var servers = ResolvConfNameservers.Parse(lines, new IPEndPoint(IPAddress.Parse("10.244.1.1"), 53));
        Assert.Equal(["127.0.0.53:53", "10.0.0.2:53", "[fe80::1%2]:53"], servers.Select(s => s.ToString()));

        // On another port the same address is another server.
        Assert.Contains(new IPEndPoint(IPAddress.Parse("10.244.1.1"), 53), ResolvConfNameservers.Parse(lines, new IPEndPoint(IPAddress.Parse("10.244.1.1"), 5353)));
        // Listening on every address, loopback resolvers would be this server.
        Assert.DoesNotContain(new IPEndPoint(IPAddress.Parse("127.0.0.53"), 53), ResolvConfNameservers.Parse(lines, new IPEndPoint(IPAddress.Any, 53)));
    }
}
