using System.Threading.Channels;
using Shim.Streaming.Spdy;

namespace Shim.Streaming.RemoteCommand;

/// <summary>An exec/attach session over an upgraded SPDY/3.1 connection (the kubelet's httpstream protocol).</summary>
internal static class SpdyRemoteCommandSession
{
    private static readonly TimeSpan StreamCreationTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ClientCloseGrace = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(
        Stream transport, RemoteCommandProtocol protocol, RemoteCommandOptions options, IRemoteCommandTarget target, CancellationToken cancellationToken)
    {
        await using var connection = new SpdyConnection(transport, isServer: true);
        connection.Start();

        var expected = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "error" };
        if (options.Stdin)
        {
            expected.Add("stdin");
        }
        if (options.Stdout)
        {
            expected.Add("stdout");
        }
        if (options.Stderr && !options.Tty)
        {
            expected.Add("stderr");
        }
        if (options.Tty && protocol.SupportsResize)
        {
            expected.Add("resize");
        }

        var streams = await AcceptStreamsAsync(connection, expected, cancellationToken).ConfigureAwait(false);
        if (streams == null)
        {
            await connection.GoAwayAsync(SpdyGoAwayStatus.Ok, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        using var sessionEnded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sessionEndedToken = sessionEnded.Token;
        _ = connection.Completion.ContinueWith(_ => CancelQuietly(sessionEnded), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);

        var resizes = Channel.CreateUnbounded<TerminalSize>();
        var resizePump = streams.TryGetValue("resize", out var resizeStream)
            ? PumpResizesAsync(resizeStream.Input, resizes.Writer)
            : CompleteAsync(resizes.Writer);

        var commandStreams = new RemoteCommandStreams(
            streams.GetValueOrDefault("stdin")?.Input,
            streams.GetValueOrDefault("stdout")?.Output,
            streams.GetValueOrDefault("stderr")?.Output,
            options.Tty,
            resizes.Reader);
        var status = await TargetRunner.RunAsync(target, commandStreams, protocol, sessionEndedToken).ConfigureAwait(false);

        try
        {
            // Order matters to kubectl: output streams end, then the status arrives and the error stream ends.
            foreach (var name in new[] { "stdout", "stderr" })
            {
                if (streams.TryGetValue(name, out var output))
                {
                    await output.CloseWriteAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            var error = streams["error"];
            if (status != null)
            {
                await error.WriteAsync(status, cancellationToken).ConfigureAwait(false);
            }
            await error.CloseWriteAsync(cancellationToken).ConfigureAwait(false);
            foreach (var name in new[] { "stdin", "resize" })
            {
                if (streams.TryGetValue(name, out var input))
                {
                    await input.CloseWriteAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            await connection.GoAwayAsync(SpdyGoAwayStatus.Ok, cancellationToken).ConfigureAwait(false);
            // Let the client read everything and hang up first: closing under its feet could lose queued frames.
            await connection.Completion.WaitAsync(ClientCloseGrace, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is IOException or TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or lingered; either way the session is over.
        }
        // The resize pump ends on its own when the connection is disposed (its input then reaches end of stream).
        _ = resizePump;
    }

    /// <summary>Replies to the client's streams until all expected ones exist; null if the client gave up or took too long.</summary>
    private static async Task<Dictionary<string, SpdyStream>?> AcceptStreamsAsync(
        SpdyConnection connection, HashSet<string> expected, CancellationToken cancellationToken)
    {
        var streams = new Dictionary<string, SpdyStream>(StringComparer.OrdinalIgnoreCase);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StreamCreationTimeout);
        try
        {
            while (streams.Count < expected.Count)
            {
                if (!await connection.IncomingStreams.WaitToReadAsync(timeout.Token).ConfigureAwait(false))
                {
                    return null;
                }
                while (connection.IncomingStreams.TryRead(out var stream))
                {
                    var type = stream.Headers.GetValueOrDefault("streamtype") ?? "";
                    if (!expected.Contains(type) || streams.ContainsKey(type))
                    {
                        await stream.ResetAsync(SpdyStreamStatus.ProtocolError, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    await stream.ReplyAsync(cancellationToken).ConfigureAwait(false);
                    streams[type] = stream;
                }
            }
            return streams;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private static async Task PumpResizesAsync(Stream input, ChannelWriter<TerminalSize> writer)
    {
        var decoder = new TerminalSizeDecoder();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await input.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                foreach (var size in decoder.Feed(buffer.AsSpan(0, read)))
                {
                    await writer.WriteAsync(size).ConfigureAwait(false);
                }
            }
        }
        catch (FormatException)
        {
            // A client sending garbage on the resize stream loses resizing, not the session.
        }
        catch (System.Text.Json.JsonException)
        {
        }
        finally
        {
            writer.TryComplete();
        }
    }

    private static Task CompleteAsync(ChannelWriter<TerminalSize> writer)
    {
        writer.TryComplete();
        return Task.CompletedTask;
    }

    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The session finished before the connection did.
        }
    }
}
