using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Shim.Streaming.Spdy;

namespace Shim.Streaming.PortForward;

/// <summary>
/// Port-forwarding over one SPDY connection (direct upgrade or tunnelled in WebSocket): every pair of
/// error+data streams is one TCP connection to the pod port, dialled through the host's delegate.
/// </summary>
internal static class SpdyPortForwardSession
{
    private static readonly TimeSpan PairTimeout = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(Stream transport, Func<int, CancellationToken, Task<Stream>> dial, CancellationToken cancellationToken)
    {
        await using var connection = new SpdyConnection(transport, isServer: true);
        connection.Start();
        using var sessionEnded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pairs = new Dictionary<string, PortForwardPair>(StringComparer.Ordinal);
        var forwards = new List<Task>();
        using var sweepTimer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            var incoming = connection.IncomingStreams;
            var waitForStream = incoming.WaitToReadAsync(sessionEnded.Token).AsTask();
            var waitForTick = sweepTimer.WaitForNextTickAsync(sessionEnded.Token).AsTask();
            while (true)
            {
                var finished = await Task.WhenAny(waitForStream, waitForTick).ConfigureAwait(false);
                if (finished == waitForTick)
                {
                    if (!await waitForTick.ConfigureAwait(false))
                    {
                        break;
                    }
                    await ExpireIncompletePairsAsync(pairs, sessionEnded.Token).ConfigureAwait(false);
                    waitForTick = sweepTimer.WaitForNextTickAsync(sessionEnded.Token).AsTask();
                    continue;
                }
                if (!await waitForStream.ConfigureAwait(false))
                {
                    break; // the client hung up
                }
                while (incoming.TryRead(out var stream))
                {
                    var pair = await AcceptAsync(stream, pairs, sessionEnded.Token).ConfigureAwait(false);
                    if (pair is { Error: not null, Data: not null, Started: false })
                    {
                        pair.Started = true;
                        pairs.Remove(pair.RequestId);
                        forwards.Add(ForwardAsync(pair, dial, sessionEnded.Token));
                    }
                }
                forwards.RemoveAll(task => task.IsCompleted);
                waitForStream = incoming.WaitToReadAsync(sessionEnded.Token).AsTask();
            }
        }
        catch (OperationCanceledException) when (sessionEnded.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
            // The connection broke while answering a stream.
        }
        finally
        {
            await sessionEnded.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(forwards).ConfigureAwait(false);
        }
    }

    /// <summary>Replies to a valid stream and files it under its pair; refuses invalid ones with RST_STREAM.</summary>
    private static async Task<PortForwardPair?> AcceptAsync(SpdyStream stream, Dictionary<string, PortForwardPair> pairs, CancellationToken cancellationToken)
    {
        var type = stream.Headers.GetValueOrDefault("streamtype");
        var portText = stream.Headers.GetValueOrDefault("port");
        if (type is not ("error" or "data") || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            await stream.ResetAsync(SpdyStreamStatus.ProtocolError, cancellationToken).ConfigureAwait(false);
            return null;
        }
        // Clients without requestid: the error stream is opened right before its data stream (ids differ by 2).
        var requestId = stream.Headers.GetValueOrDefault("requestid")
            ?? (type == "error" ? stream.Id : stream.Id - 2).ToString(CultureInfo.InvariantCulture);
        if (!pairs.TryGetValue(requestId, out var pair))
        {
            pair = new PortForwardPair(requestId, DateTime.UtcNow);
            pairs[requestId] = pair;
        }
        if ((type == "error" ? pair.Error : pair.Data) != null)
        {
            await stream.ResetAsync(SpdyStreamStatus.ProtocolError, cancellationToken).ConfigureAwait(false);
            return null;
        }
        await stream.ReplyAsync(cancellationToken).ConfigureAwait(false);
        if (type == "error")
        {
            pair.Error = stream;
        }
        else
        {
            pair.Data = stream;
        }
        return pair;
    }

    private static async Task ExpireIncompletePairsAsync(Dictionary<string, PortForwardPair> pairs, CancellationToken cancellationToken)
    {
        foreach (var pair in pairs.Values.Where(pair => DateTime.UtcNow - pair.CreatedAt > PairTimeout).ToList())
        {
            pairs.Remove(pair.RequestId);
            if (pair.Error != null)
            {
                await pair.Error.WriteAsync(Encoding.UTF8.GetBytes($"timeout waiting for the data stream of request {pair.RequestId}"), cancellationToken).ConfigureAwait(false);
                await pair.Error.CloseWriteAsync(cancellationToken).ConfigureAwait(false);
            }
            if (pair.Data != null)
            {
                await pair.Data.ResetAsync(SpdyStreamStatus.Cancel, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task ForwardAsync(PortForwardPair pair, Func<int, CancellationToken, Task<Stream>> dial, CancellationToken sessionEnded)
    {
        var data = pair.Data!;
        var error = pair.Error!;
        var port = int.Parse(data.Headers["port"], CultureInfo.InvariantCulture);
        // Ends when the client resets the data stream or the whole session ends.
        using var forwardEnded = CancellationTokenSource.CreateLinkedTokenSource(sessionEnded, data.Aborted);
        try
        {
            Stream target;
            try
            {
                target = await dial(port, forwardEnded.Token).ConfigureAwait(false);
            }
            catch (Exception dialError) when (dialError is not OperationCanceledException)
            {
                // Plain text on the error stream: kubectl prints "an error occurred forwarding L -> R: <text>".
                await error.WriteAsync(Encoding.UTF8.GetBytes($"error forwarding port {port} to pod: {dialError.Message}"), sessionEnded).ConfigureAwait(false);
                await error.CloseWriteAsync(sessionEnded).ConfigureAwait(false);
                await data.ResetAsync(SpdyStreamStatus.Cancel, sessionEnded).ConfigureAwait(false);
                return;
            }
            await using (target.ConfigureAwait(false))
            {
                var toTarget = CopyClientToTargetAsync(data, target, forwardEnded.Token);
                await CopyTargetToClientAsync(target, data, forwardEnded.Token).ConfigureAwait(false);
                // The pod closed its side: end both streams (kubectl waits for EOF on the error stream too).
                await data.CloseWriteAsync(sessionEnded).ConfigureAwait(false);
                await error.CloseWriteAsync(sessionEnded).ConfigureAwait(false);
                await forwardEnded.CancelAsync().ConfigureAwait(false);
                await toTarget.ConfigureAwait(false);
            }
        }
        catch (Exception failure) when (failure is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The client reset the stream, or the connection (or the pod's socket) went away.
        }
    }

    private static async Task CopyTargetToClientAsync(Stream target, SpdyStream data, CancellationToken cancellationToken)
    {
        var buffer = new byte[SpdyStream.MaxDataFrameSize];
        int read;
        while ((read = await target.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await data.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task CopyClientToTargetAsync(SpdyStream data, Stream target, CancellationToken cancellationToken)
    {
        try
        {
            await data.Input.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
            if (data.Aborted.IsCancellationRequested)
            {
                return; // reset, not a half-close
            }
            // The client half-closed: pass that on where the transport allows, keep reading the pod's answer.
            if (target is NetworkStream network)
            {
                network.Socket.Shutdown(SocketShutdown.Send);
            }
        }
        catch (Exception failure) when (failure is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Ends with the forward.
        }
    }
}
