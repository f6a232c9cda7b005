using System.Net;
using System.Net.Sockets;
using Shim.Agent.Dns;

namespace Shim.Agent.Tests.Dns;

/// <summary>A minimal stub resolver for the tests: one query, one answer, over UDP or TCP, with a deadline.</summary>
internal static class DnsTestClient
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    public static DnsMessage Query(string name, DnsType type, ushort id = 0x4242, bool edns = false) => new()
    {
        Id = id,
        RecursionDesired = true,
        Questions = [new DnsQuestion(name, type)],
        Additionals = edns ? [DnsEdns.Record(4096, false)] : [],
    };

    public static async Task<DnsMessage> UdpAsync(IPEndPoint server, DnsMessage query) =>
        DnsMessageReader.Read(await UdpRawAsync(server, DnsMessageWriter.Write(query), Deadline) ?? throw new TimeoutException($"no UDP answer from {server}"));

    /// <summary>Sends one datagram; the answer, or null when none came within <paramref name="wait"/>.</summary>
    public static async Task<byte[]?> UdpRawAsync(IPEndPoint server, byte[] packet, TimeSpan wait)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(server);
        await socket.SendAsync(packet, SocketFlags.None);
        var buffer = new byte[65535];
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            var received = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            return buffer[..received];
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public static async Task<DnsMessage> TcpAsync(IPEndPoint server, DnsMessage query)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server, timeout.Token);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await DnsTcpFraming.WriteAsync(stream, DnsMessageWriter.Write(query), timeout.Token);
        var answer = await DnsTcpFraming.ReadAsync(stream, timeout.Token) ?? throw new IOException("closed without an answer");
        return DnsMessageReader.Read(answer);
    }
}
