using System.Net;
using System.Net.Sockets;
using System.Text;
using Shim.Streaming.Spdy;

namespace Shim.Streaming.Tests.Unit;

/// <summary>A minimal SPDY client (raw frames) against <see cref="SpdyConnection"/> in the server role, over loopback TCP.</summary>
public sealed class SpdyConnectionTests
{
    [Fact]
    public async Task AcceptsStreamsExchangesDataHalfClosesAndEchoesPings()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var token = timeout.Token;
        var (clientSocket, serverSocket) = await ConnectedPairAsync();
        using var clientTransport = new NetworkStream(clientSocket, ownsSocket: true);
        using var serverTransport = new NetworkStream(serverSocket, ownsSocket: true);
        await using var server = new SpdyConnection(serverTransport, isServer: true);
        server.Start();
        using var writer = new SpdyFrameWriter(clientTransport);
        var reader = new SpdyFrameReader(clientTransport);
        using var decompressor = new SpdyHeaderDecompressor();

        // Two streams: the second header block only decodes if both sides keep one zlib context per direction.
        await writer.WriteSynStreamAsync(1, new Dictionary<string, string> { ["streamtype"] = "error" }, 0, token);
        await writer.WriteSynStreamAsync(3, new Dictionary<string, string> { ["streamtype"] = "stdin" }, 0, token);
        var first = await server.IncomingStreams.ReadAsync(token);
        var second = await server.IncomingStreams.ReadAsync(token);
        Assert.Equal("error", first.Headers["streamtype"]);
        Assert.Equal("stdin", second.Headers["StreamType"]);
        await first.ReplyAsync(token);
        await second.ReplyAsync(token);
        foreach (var expectedId in new[] { 1, 3 })
        {
            var reply = (await reader.ReadAsync(token))!;
            Assert.Equal((SpdyFrameType.SynReply, expectedId), (reply.Type, reply.StreamId));
            Assert.Empty(SpdyHeaderBlock.Decode(decompressor.Decompress(reply.Payload.Span[4..])));
        }

        // Far more than the 64 KiB default window, with no WINDOW_UPDATE: spdystream never sends any.
        var big = new byte[300_000];
        Random.Shared.NextBytes(big);
        var sending = writer.WriteDataAsync(3, big, SpdyFrameFlags.Fin, token);
        using var received = new MemoryStream();
        await second.Input.CopyToAsync(received, token); // ends at the client's FIN
        await sending;
        Assert.Equal(big, received.ToArray());

        await first.WriteAsync(Encoding.ASCII.GetBytes("oops"), token);
        await first.CloseWriteAsync(token);
        await writer.WritePingAsync(1, token);
        var frames = new List<SpdyFrame>();
        for (var i = 0; i < 3; i++)
        {
            frames.Add((await reader.ReadAsync(token))!);
        }
        Assert.Equal("oops", Encoding.ASCII.GetString(frames[0].Payload.Span));
        Assert.True(frames[1].IsFin && frames[1].Payload.IsEmpty);
        Assert.Equal((SpdyFrameType.Ping, 1u), (frames[2].Type, frames[2].FirstWord));

        // A reset from the client aborts the stream on the server.
        await writer.WriteRstStreamAsync(1, SpdyStreamStatus.Cancel, token);
        await Task.Delay(Timeout.Infinite, first.Aborted).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(token);
        await Assert.ThrowsAsync<IOException>(() => first.WriteAsync(new byte[1], token));

        // Closing the connection completes the server side.
        clientSocket.Shutdown(SocketShutdown.Both);
        await server.Completion.WaitAsync(token);
        Assert.False(await server.IncomingStreams.WaitToReadAsync(token));
    }

    [Fact]
    public async Task ClientRoleTalksToServerRole()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var token = timeout.Token;
        var (clientSocket, serverSocket) = await ConnectedPairAsync();
        using var clientTransport = new NetworkStream(clientSocket, ownsSocket: true);
        using var serverTransport = new NetworkStream(serverSocket, ownsSocket: true);
        await using var server = new SpdyConnection(serverTransport, isServer: true);
        await using var client = new SpdyConnection(clientTransport, isServer: false);
        server.Start();
        client.Start();
        var accepting = Task.Run(async () =>
        {
            for (var i = 0; i < 5; i++)
            {
                var stream = await server.IncomingStreams.ReadAsync(token);
                await stream.ReplyAsync(token);
                using var echo = new MemoryStream();
                await stream.Input.CopyToAsync(echo, token);
                await stream.WriteAsync(echo.ToArray(), token);
                await stream.CloseWriteAsync(token);
            }
        }, token);
        for (var i = 0; i < 5; i++)
        {
            var stream = await client.OpenStreamAsync(new Dictionary<string, string> { ["n"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }, token);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"message {i}"), token);
            await stream.CloseWriteAsync(token);
            using var answer = new MemoryStream();
            await stream.Input.CopyToAsync(answer, token);
            Assert.Equal($"message {i}", Encoding.ASCII.GetString(answer.ToArray()));
        }
        await accepting;
    }

    private static async Task<(Socket Client, Socket Server)> ConnectedPairAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var accepting = listener.AcceptSocketAsync();
        await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        return (client, await accepting);
    }
}
