using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;

namespace Shim.Streaming.RemoteCommand;

/// <summary>
/// An exec/attach session over a channel.k8s.io WebSocket: byte 0 of each message names the channel
/// (0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize, 255 close-channel in v5).
/// </summary>
internal static class WebSocketRemoteCommandSession
{
    private const byte StdinChannel = 0;
    private const byte StdoutChannel = 1;
    private const byte StderrChannel = 2;
    private const byte ErrorChannel = 3;
    private const byte ResizeChannel = 4;
    private const byte CloseChannel = 255;
    private const int MaxMessageSize = 16 * 1024 * 1024;
    private static readonly TimeSpan ClientCloseGrace = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(
        WebSocket socket, RemoteCommandProtocol protocol, RemoteCommandOptions options, IRemoteCommandTarget target, CancellationToken cancellationToken)
    {
        using var writer = new WebSocketChannelWriter(socket, protocol.Base64);
        using var sessionEnded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var stdin = options.Stdin
            ? new Pipe(new PipeOptions(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20, useSynchronizationContext: false))
            : null;
        var resizes = Channel.CreateUnbounded<TerminalSize>();
        // A receive is always pending: that is also what answers the client's pings.
        var receiving = ReceiveLoopAsync(socket, protocol, stdin?.Writer, resizes.Writer, sessionEnded);

        var streams = new RemoteCommandStreams(
            stdin?.Reader.AsStream(),
            options.Stdout ? new WriteOnlyStream((data, ct) => writer.SendAsync(StdoutChannel, data, ct)) : null,
            options.Stderr && !options.Tty ? new WriteOnlyStream((data, ct) => writer.SendAsync(StderrChannel, data, ct)) : null,
            options.Tty,
            resizes.Reader);
        var status = await TargetRunner.RunAsync(target, streams, protocol, sessionEnded.Token).ConfigureAwait(false);

        try
        {
            if (status != null)
            {
                await writer.SendAsync(ErrorChannel, status, cancellationToken).ConfigureAwait(false);
            }
            // kubectl reads until the close frame; 1000 is a clean end, anything else an error.
            await writer.CloseAsync(cancellationToken).ConfigureAwait(false);
            await receiving.WaitAsync(ClientCloseGrace, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is WebSocketException or IOException or TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or did not answer the close.
        }
        finally
        {
            await sessionEnded.CancelAsync().ConfigureAwait(false);
            socket.Abort();
            await receiving.ConfigureAwait(false);
        }
    }

    private static async Task ReceiveLoopAsync(
        WebSocket socket, RemoteCommandProtocol protocol, PipeWriter? stdin, ChannelWriter<TerminalSize> resizes, CancellationTokenSource sessionEnded)
    {
        var decoder = new TerminalSizeDecoder();
        var buffer = new byte[32 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, sessionEnded.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                message.Write(buffer, 0, result.Count);
                if (message.Length > MaxMessageSize)
                {
                    throw new IOException("WebSocket message too large");
                }
                if (!result.EndOfMessage)
                {
                    continue;
                }
                var payload = Decode(message.ToArray(), result.MessageType, protocol);
                message.SetLength(0);
                if (payload.Length == 0)
                {
                    continue;
                }
                var channel = payload[0];
                var data = payload.AsMemory(1);
                switch (channel)
                {
                    case StdinChannel when stdin != null:
                        var flush = await stdin.WriteAsync(data, sessionEnded.Token).ConfigureAwait(false);
                        if (flush.IsCompleted)
                        {
                            stdin = null; // the target stopped reading stdin
                        }
                        break;
                    case ResizeChannel:
                        foreach (var size in decoder.Feed(data.Span))
                        {
                            await resizes.WriteAsync(size, sessionEnded.Token).ConfigureAwait(false);
                        }
                        break;
                    case CloseChannel when protocol.SupportsCloseChannel && data.Length == 1:
                        if (data.Span[0] == StdinChannel && stdin != null)
                        {
                            await stdin.CompleteAsync().ConfigureAwait(false);
                            stdin = null;
                        }
                        else if (data.Span[0] == ResizeChannel)
                        {
                            resizes.TryComplete();
                        }
                        break;
                    default:
                        break; // Channels the client may not write to are ignored.
                }
            }
        }
        catch (Exception error) when (error is WebSocketException or IOException or OperationCanceledException or FormatException or System.Text.Json.JsonException)
        {
            // The connection broke or the client sent garbage: the session ends.
        }
        finally
        {
            if (stdin != null)
            {
                await stdin.CompleteAsync().ConfigureAwait(false);
            }
            resizes.TryComplete();
            // The client hung up (or closed first): the target has nobody to talk to any more.
            try
            {
                await sessionEnded.CancelAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private static byte[] Decode(byte[] message, WebSocketMessageType type, RemoteCommandProtocol protocol)
    {
        if (!protocol.Base64 || type != WebSocketMessageType.Text)
        {
            return message;
        }
        // Base64 protocols: ASCII '0'+channel, then the payload in standard base64.
        if (message.Length == 0)
        {
            return message;
        }
        var text = Encoding.ASCII.GetString(message, 1, message.Length - 1);
        var data = Convert.FromBase64String(text);
        var decoded = new byte[data.Length + 1];
        decoded[0] = (byte)(message[0] - '0');
        data.CopyTo(decoded, 1);
        return decoded;
    }
}
