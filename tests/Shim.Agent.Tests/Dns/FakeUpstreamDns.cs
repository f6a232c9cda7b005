using System.Net;
using System.Net.Sockets;
using Shim.Agent.Dns;

namespace Shim.Agent.Tests.Dns;

/// <summary>
/// An upstream nameserver for the forwarding tests, on port 53 of an address of its own in 127.0.0.0/8 (resolv.conf
/// cannot name another port; Linux routes that whole range to lo), so no test ever reaches a real resolver. It
/// answers every question with <see cref="Address"/>, or stays silent.
/// </summary>
internal sealed class FakeUpstreamDns : IAsyncDisposable
{
    public static readonly IPAddress Address = IPAddress.Parse("192.0.2.53");

    private readonly Socket _udp;
    private readonly Socket _tcp;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private readonly bool _silent;
    private int _udpQueries;
    private int _tcpQueries;

    private FakeUpstreamDns(Socket udp, Socket tcp, bool silent)
    {
        _udp = udp;
        _tcp = tcp;
        _silent = silent;
        Endpoint = (IPEndPoint)udp.LocalEndPoint!;
        _serving = Task.WhenAll(ServeUdpAsync(), ServeTcpAsync());
    }

    public IPEndPoint Endpoint { get; }

    public int UdpQueries => Volatile.Read(ref _udpQueries);

    public int TcpQueries => Volatile.Read(ref _tcpQueries);

    /// <summary>The questions it was asked, in order.</summary>
    public List<DnsQuestion> Questions { get; } = [];

    public static FakeUpstreamDns Start(bool silent = false)
    {
        for (var attempt = 0; ; attempt++)
        {
            var address = FreeLoopbackAddress();
            var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                udp.Bind(new IPEndPoint(address, 53));
                tcp.Bind(new IPEndPoint(address, 53));
                tcp.Listen(16);
                return new FakeUpstreamDns(udp, tcp, silent);
            }
            catch (SocketException) when (attempt < 20)
            {
                udp.Dispose();
                tcp.Dispose();
            }
        }
    }

    /// <summary>An address in 127.77.0.0/16 with nothing listening on port 53 (for a server that refuses).</summary>
    public static IPAddress FreeLoopbackAddress() =>
        new([127, 77, (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(1, 255)]);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _udp.Dispose();
        _tcp.Dispose();
        try
        {
            await _serving;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task ServeUdpAsync()
    {
        var buffer = new byte[65535];
        while (!_stop.IsCancellationRequested)
        {
            var received = await _udp.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
            Interlocked.Increment(ref _udpQueries);
            if (Answer(buffer[..received.ReceivedBytes]) is { } answer)
            {
                await _udp.SendToAsync(answer, SocketFlags.None, received.RemoteEndPoint, _stop.Token);
            }
        }
    }

    private async Task ServeTcpAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            using var client = await _tcp.AcceptAsync(_stop.Token);
            await using var stream = new NetworkStream(client, ownsSocket: false);
            var query = await DnsTcpFraming.ReadAsync(stream, _stop.Token);
            Interlocked.Increment(ref _tcpQueries);
            if (query is not null && Answer(query) is { } answer)
            {
                await DnsTcpFraming.WriteAsync(stream, answer, _stop.Token);
            }
        }
    }

    private byte[]? Answer(byte[] packet)
    {
        var query = DnsMessageReader.Read(packet);
        lock (Questions)
        {
            Questions.AddRange(query.Questions);
        }

        if (_silent)
        {
            return null;
        }

        var question = query.Questions[0];
        return DnsMessageWriter.Write(new DnsMessage
        {
            Id = query.Id,
            IsResponse = true,
            RecursionDesired = query.RecursionDesired,
            RecursionAvailable = true,
            Questions = query.Questions,
            Answers = question.Type == DnsType.A ? [DnsResourceRecord.Address(question.Name, Address, 300)] : [],
        });
    }
}
