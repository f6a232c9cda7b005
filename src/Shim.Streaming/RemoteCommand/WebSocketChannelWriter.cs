using System.Net.WebSockets;
using System.Text;

namespace Shim.Streaming.RemoteCommand;

/// <summary>Sends channel-prefixed messages on a remotecommand WebSocket, one message at a time.</summary>
internal sealed class WebSocketChannelWriter : IDisposable
{
    /// <summary>Large writes are split so one message never holds the socket for long.</summary>
    private const int MaxPayload = 32 * 1024;

    private readonly WebSocket _socket;
    private readonly bool _base64;
    private readonly SemaphoreSlim _lock = new(1, 1);

    public WebSocketChannelWriter(WebSocket socket, bool base64)
    {
        _socket = socket;
        _base64 = base64;
    }

    public async Task SendAsync(byte channel, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        do
        {
            var part = payload[..Math.Min(payload.Length, MaxPayload)];
            payload = payload[part.Length..];
            byte[] message;
            WebSocketMessageType type;
            if (_base64)
            {
                message = Encoding.ASCII.GetBytes((char)('0' + channel) + Convert.ToBase64String(part.Span));
                type = WebSocketMessageType.Text;
            }
            else
            {
                message = new byte[part.Length + 1];
                message[0] = channel;
                part.Span.CopyTo(message.AsSpan(1));
                type = WebSocketMessageType.Binary;
            }
            await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await _socket.SendAsync(message, type, endOfMessage: true, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _lock.Release();
            }
        }
        while (!payload.IsEmpty);
    }

    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose() => _lock.Dispose();
}
