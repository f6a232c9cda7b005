using System.Net;
using Shim.Agent.Dns;
using Shim.Agent.Tests.Services;

namespace Shim.Agent.Tests.Dns;

/// <summary>The server on real sockets (127.0.0.1, a free port): UDP and TCP, truncation, bad packets, shutdown.</summary>
public sealed class ClusterDnsServerTests
{
    [Fact]
    public async Task Answers_cluster_names_over_udp_and_tcp()
    {
        await using var running = await RunningDnsServer.StartAsync(DnsSample.Catalog(), []);

        var udp = await DnsTestClient.UdpAsync(running.Endpoint, DnsTestClient.Query("web.default.svc.cluster.local", DnsType.A, id: 0x1111));
        var tcp = await DnsTestClient.TcpAsync(running.Endpoint, DnsTestClient.Query("web.default.svc.cluster.local", DnsType.A, id: 0x2222));

        foreach (var (answer, id) in new[] { (udp, 0x1111), (tcp, 0x2222) })
        {
            Assert.Equal(id, answer.Id);
            Assert.True(answer.IsResponse);
            Assert.True(answer.Authoritative);
            Assert.True(answer.RecursionDesired);
            Assert.Equal(DnsResponseCode.NoError, answer.ResponseCode);
            Assert.Equal(new DnsQuestion("web.default.svc.cluster.local", DnsType.A), Assert.Single(answer.Questions));
            Assert.Equal(IPAddress.Parse("10.96.0.20"), ((DnsAddressData)Assert.Single(answer.Answers).Data).Address);
            Assert.Equal(5u, answer.Answers[0].Ttl);
        }

        var missing = await DnsTestClient.UdpAsync(running.Endpoint, DnsTestClient.Query("nope.default.svc.cluster.local", DnsType.A));
        Assert.Equal(DnsResponseCode.NameError, missing.ResponseCode);
        Assert.Equal(DnsType.SOA, Assert.Single(missing.Authorities).Type);
    }

    [Fact]
    public async Task Answers_that_do_not_fit_udp_are_truncated_and_complete_over_tcp()
    {
        var endpoints = string.Join(", ", Enumerable.Range(1, 100).Select(i => "{addresses: [10.244.9." + i + "]}"));
        var catalog = DnsSample.Catalog()
            .Service("""
                metadata: {name: big, namespace: default}
                spec: {clusterIP: None, ports: [{name: http, port: 80, protocol: TCP}]}
                """)
            .Slice($$$"""
                metadata: {name: big-1, namespace: default, labels: {kubernetes.io/service-name: big}}
                addressType: IPv4
                ports: [{name: http, port: 80, protocol: TCP}]
                endpoints: [{{{endpoints}}}]
                """);
        await using var running = await RunningDnsServer.StartAsync(catalog, []);

        var plain = await DnsTestClient.UdpAsync(running.Endpoint, DnsTestClient.Query("big.default.svc.cluster.local", DnsType.A));
        Assert.True(plain.Truncated);
        Assert.InRange(plain.Answers.Count, 1, 30); // 512 bytes hold about 30 A records

        var edns = await DnsTestClient.UdpAsync(running.Endpoint, DnsTestClient.Query("big.default.svc.cluster.local", DnsType.A, edns: true));
        Assert.True(edns.Truncated);
        Assert.InRange(edns.Answers.Count, 31, 99); // the client offered 4096, we send at most 1232
        Assert.Equal((ushort)1232, edns.Edns!.Value.UdpPayloadSize);

        var tcp = await DnsTestClient.TcpAsync(running.Endpoint, DnsTestClient.Query("big.default.svc.cluster.local", DnsType.A));
        Assert.False(tcp.Truncated);
        Assert.Equal(100, tcp.Answers.Count);
    }

    [Fact]
    public async Task Bad_packets_get_formerr_or_nothing_and_the_server_keeps_serving()
    {
        await using var running = await RunningDnsServer.StartAsync(DnsSample.Catalog(), []);
        var wait = TimeSpan.FromMilliseconds(300);

        // Too short for a header: dropped.
        Assert.Null(await DnsTestClient.UdpRawAsync(running.Endpoint, [1, 2, 3], wait));
        // A response (QR set): dropped, so two servers can never bounce packets between them.
        Assert.Null(await DnsTestClient.UdpRawAsync(running.Endpoint, DnsMessageWriter.Write(DnsTestClient.Query("x.cluster.local", DnsType.A) with { IsResponse = true }), wait));
        // A header promising a question that is not there: FORMERR with the query's ID.
        var formerr = DnsMessageReader.Read((await DnsTestClient.UdpRawAsync(running.Endpoint, [0xAB, 0xCD, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 7, (byte)'x'], wait))!);
        Assert.Equal((0xABCD, DnsResponseCode.FormatError), (formerr.Id, formerr.ResponseCode));
        // Two questions: FORMERR. An unknown opcode: NOTIMP. EDNS version 1: BADVERS.
        var two = DnsTestClient.Query("a.cluster.local", DnsType.A) with { Questions = [new("a.cluster.local", DnsType.A), new("b.cluster.local", DnsType.A)] };
        Assert.Equal(DnsResponseCode.FormatError, (await DnsTestClient.UdpAsync(running.Endpoint, two)).ResponseCode);
        Assert.Equal(DnsResponseCode.NotImplemented, (await DnsTestClient.UdpAsync(running.Endpoint, DnsTestClient.Query("a.cluster.local", DnsType.A) with { Opcode = 2 })).ResponseCode);
        var version1 = DnsTestClient.Query("a.cluster.local", DnsType.A) with { Additionals = [DnsEdns.Record(1232, false) with { Ttl = 1 << 16 }] };
        Assert.Equal(DnsResponseCode.BadVersion, (await DnsTestClient.UdpAsync(running.Endpoint, version1)).ResponseCode);
        // A TCP stream with garbage ends; the server still answers.
        using (var client = new System.Net.Sockets.TcpClient())
        {
            await client.ConnectAsync(running.Endpoint);
            await client.GetStream().WriteAsync(new byte[] { 0, 3, 1, 2, 3 });
            Assert.Equal(0, await client.GetStream().ReadAsync(new byte[16]).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        }

        var answer = await DnsTestClient.UdpAsync(running.Endpoint, DnsTestClient.Query("web.default.svc.cluster.local", DnsType.A));
        Assert.Single(answer.Answers);
    }

    [Fact]
    public async Task Many_queries_at_once_are_all_answered()
    {
        await using var running = await RunningDnsServer.StartAsync(DnsSample.Catalog(), [], new ClusterDnsOptions { MaxConcurrentQueries = 512 });

        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            i % 2 == 0
                ? DnsTestClient.UdpAsync(running.Endpoint, DnsTestClient.Query("db.data.svc.cluster.local", DnsType.A, id: (ushort)i))
                : DnsTestClient.TcpAsync(running.Endpoint, DnsTestClient.Query("db.data.svc.cluster.local", DnsType.A, id: (ushort)i))));

        Assert.All(answers, a => Assert.Equal(2, a.Answers.Count));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (ushort)i), answers.Select(a => a.Id));
    }

    [Fact]
    public async Task Invalidate_makes_new_services_resolvable()
    {
        var endpoints = string.Join(", ", Enumerable.Range(1, 100).Select(i => "{addresses: [10.244.9." + i + "]}"));
        var catalog = DnsSample.Catalog();
        await using var running = await RunningDnsServer.StartAsync(catalog, []);
        Assert.Equal(DnsResponseCode.NameError, (await DnsTestClient.UdpAsync(running.Endpoint, DnsTestClient.Query("new.default.svc.cluster.local", DnsType.A))).ResponseCode);

        catalog.Service("""
            metadata: {name: new, namespace: default}
            spec: {clusterIP: 10.96.0.77, ports: [{name: http, port: 80, protocol: TCP}]}
            """);
        running.Server.Invalidate();

        var answer = await DnsTestClient.UdpAsync(running.Endpoint, DnsTestClient.Query("new.default.svc.cluster.local", DnsType.A));
        Assert.Equal(IPAddress.Parse("10.96.0.77"), ((DnsAddressData)Assert.Single(answer.Answers).Data).Address);
    }

    [Fact]
    public async Task Binding_an_address_in_use_fails_loudly()
    {
        await using var running = await RunningDnsServer.StartAsync(DnsSample.Catalog(), []);
        var second = new ClusterDnsServer(new ClusterDnsOptions(), DnsSample.Catalog(), Microsoft.Extensions.Logging.Abstractions.NullLogger<ClusterDnsServer>.Instance, TimeProvider.System);

        await Assert.ThrowsAsync<System.Net.Sockets.SocketException>(() => second.RunAsync(running.Endpoint.Address, running.Endpoint.Port, CancellationToken.None));
        await Assert.ThrowsAsync<System.Net.Sockets.SocketException>(() => second.Listening);
    }
}
