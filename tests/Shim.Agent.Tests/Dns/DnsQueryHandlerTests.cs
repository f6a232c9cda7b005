using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Shim.Agent.Dns;
using Shim.Agent.Tests.Services;

namespace Shim.Agent.Tests.Dns;

/// <summary>Query packets in, response packets out, without sockets; the upstream list is empty, so nothing is forwarded.</summary>
public sealed class DnsQueryHandlerTests
{
    private readonly DnsQueryHandler _handler = new(
        new ClusterDnsResolver(DnsSample.Catalog(), new ClusterDnsOptions(), TimeProvider.System),
        new DnsForwarder(
            new ResolvConfNameservers("/nonexistent/resolv.conf", new IPEndPoint(IPAddress.Loopback, 53)),
            TimeSpan.FromMilliseconds(100),
            NullLogger.Instance,
            TimeProvider.System));

    [Fact]
    public async Task Damaged_packets_never_throw_and_get_formerr_or_nothing()
    {
        var random = new Random(6);
        byte[][] valid =
        [
            DnsMessageWriter.Write(DnsTestClient.Query("_pg._tcp.db.data.svc.cluster.local", DnsType.SRV, edns: true)),
            DnsMessageWriter.Write(DnsTestClient.Query("ext.default.svc.cluster.local", DnsType.A)),
        ];
        for (var i = 0; i < 5000; i++)
        {
            var packet = valid[i % 2][..random.Next(0, valid[i % 2].Length + 1)];
            for (var flips = random.Next(1, 4); flips > 0 && packet.Length > 0; flips--)
            {
                packet[random.Next(packet.Length)] = (byte)random.Next(256);
            }

            var response = await _handler.HandleAsync(packet, i % 3 == 0 ? DnsTransport.Tcp : DnsTransport.Udp, CancellationToken.None);

            if (response is not null)
            {
                var message = DnsMessageReader.Read(response);
                Assert.True(message.IsResponse);
                Assert.Equal(packet[0] << 8 | packet[1], message.Id);
            }
        }
    }

    [Fact]
    public async Task Edns_queries_get_an_opt_record_back_and_plain_ones_none()
    {
        var withEdns = DnsMessageReader.Read((await _handler.HandleAsync(DnsMessageWriter.Write(DnsTestClient.Query("web.default.svc.cluster.local", DnsType.A, edns: true)), DnsTransport.Udp, CancellationToken.None))!);
        var plain = DnsMessageReader.Read((await _handler.HandleAsync(DnsMessageWriter.Write(DnsTestClient.Query("web.default.svc.cluster.local", DnsType.A)), DnsTransport.Udp, CancellationToken.None))!);

        Assert.Equal(new DnsEdns(DnsQueryHandler.UdpPayloadSize, 0, false, 0), withEdns.Edns);
        Assert.Null(plain.Edns);
        Assert.Single(withEdns.Answers);
        Assert.Single(plain.Answers);
        Assert.True(plain.RecursionAvailable);
    }

    [Fact]
    public async Task Names_that_go_upstream_fail_with_servfail_when_there_is_none()
    {
        var response = DnsMessageReader.Read((await _handler.HandleAsync(DnsMessageWriter.Write(DnsTestClient.Query("example.org", DnsType.A, id: 77)), DnsTransport.Udp, CancellationToken.None))!);

        Assert.Equal((77, DnsResponseCode.ServerFailure), (response.Id, response.ResponseCode));
    }
}
