using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Shim.Agent.Dns;

/// <summary>
/// Passes queries outside the cluster zone to the upstream nameservers of a resolv.conf, one server after the other
/// until one answers within the timeout, over the transport the client used (a truncated UDP answer goes back as is,
/// and the client retries over TCP). The upstream sees a fresh random ID from a fresh socket; the answer gets the
/// client's ID back.
/// </summary>
public sealed partial class DnsForwarder(ResolvConfNameservers nameservers, TimeSpan timeout, ILogger logger, TimeProvider time)
{
    private const int MaxMessageSize = ushort.MaxValue;

    // 1 while the resolv.conf lists no usable server, so the warning comes once rather than per query.
    private int _withoutNameservers;

    /// <summary>The upstream's answer to <paramref name="query"/> with the client's ID, or null when no server answered.</summary>
    public async Task<byte[]?> ForwardAsync(ReadOnlyMemory<byte> query, DnsTransport transport, CancellationToken cancellationToken)
    {
        var servers = nameservers.Current();
        if (servers.Count == 0)
        {
            if (Interlocked.Exchange(ref _withoutNameservers, 1) == 0)
            {
                LogNoNameservers(logger);
            }

            return null;
        }

        Interlocked.Exchange(ref _withoutNameservers, 0);

        var packet = query.ToArray();
        var clientId = BinaryPrimitives.ReadUInt16BigEndian(packet);
        var upstreamId = (ushort)Random.Shared.Next(ushort.MaxValue + 1);
        BinaryPrimitives.WriteUInt16BigEndian(packet, upstreamId);
        foreach (var server in servers)
        {
            using var deadline = new CancellationTokenSource(timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            try
            {
                var response = transport == DnsTransport.Udp
                    ? await ExchangeUdpAsync(packet, server, upstreamId, linked.Token).ConfigureAwait(false)
                    : await ExchangeTcpAsync(packet, server, upstreamId, linked.Token).ConfigureAwait(false);
                BinaryPrimitives.WriteUInt16BigEndian(response, clientId);
                return response;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                LogUpstreamFailed(logger, server, transport, "no answer in time");
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
                LogUpstreamFailed(logger, server, transport, e.Message);
            }
        }

        return null;
    }

    /// <summary>
    /// Asks upstream for <paramref name="name"/> itself (recursion desired, over TCP when the UDP answer is truncated);
    /// null when no server answered or the answer was unreadable.
    /// </summary>
    public async Task<DnsMessage?> QueryAsync(string name, DnsType type, CancellationToken cancellationToken)
    {
        var query = DnsMessageWriter.Write(new DnsMessage
        {
            Id = (ushort)Random.Shared.Next(ushort.MaxValue + 1),
            RecursionDesired = true,
            Questions = [new DnsQuestion(name, type)],
            Additionals = [DnsEdns.Record(DnsQueryHandler.UdpPayloadSize, dnssecOk: false)],
        });
        try
        {
            var response = await ForwardAsync(query, DnsTransport.Udp, cancellationToken).ConfigureAwait(false);
            if (response is not null && DnsMessageReader.Read(response).Truncated)
            {
                response = await ForwardAsync(query, DnsTransport.Tcp, cancellationToken).ConfigureAwait(false);
            }

            return response is null ? null : DnsMessageReader.Read(response);
        }
        catch (DnsFormatException e)
        {
            LogUnreadableAnswer(logger, name, e.Message);
            return null;
        }
    }

    private static async Task<byte[]> ExchangeUdpAsync(byte[] packet, IPEndPoint server, ushort id, CancellationToken cancellationToken)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        // Connected: the kernel drops datagrams from anyone but the server, and reports its port unreachable.
        await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        await socket.SendAsync(packet, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(MaxMessageSize);
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (IsAnswerTo(buffer.AsSpan(0, received), id))
                {
                    return buffer.AsSpan(0, received).ToArray();
                }

                // A stray or forged datagram: keep waiting for the real answer until the deadline.
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<byte[]> ExchangeTcpAsync(byte[] packet, IPEndPoint server, ushort id, CancellationToken cancellationToken)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await DnsTcpFraming.WriteAsync(stream, packet, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var response = await DnsTcpFraming.ReadAsync(stream, cancellationToken).ConfigureAwait(false)
                ?? throw new IOException("the server closed the connection without answering");
            if (IsAnswerTo(response, id))
            {
                return response;
            }
        }
    }

    private static bool IsAnswerTo(ReadOnlySpan<byte> response, ushort id) =>
        response.Length >= DnsMessageReader.HeaderLength
        && BinaryPrimitives.ReadUInt16BigEndian(response) == id
        && (response[2] & 0x80) != 0;

    [LoggerMessage(Level = LogLevel.Warning, Message = "cluster DNS: no upstream nameserver to forward to (check the resolv.conf)")]
    private static partial void LogNoNameservers(ILogger logger);

    [LoggerMessage(Level = LogLevel.Debug, Message = "cluster DNS: upstream {Server} ({Transport}) failed: {Error}")]
    private static partial void LogUpstreamFailed(ILogger logger, IPEndPoint server, DnsTransport transport, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "cluster DNS: unreadable upstream answer for {Name}: {Error}")]
    private static partial void LogUnreadableAnswer(ILogger logger, string name, string error);
}
