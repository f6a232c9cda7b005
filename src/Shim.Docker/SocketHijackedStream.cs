using System.Net.Security;
using System.Net.Sockets;

namespace Shim.Docker;

/// <summary>
/// The connection of an upgraded attach or exec start: bytes that arrived together with the HTTP response head are
/// served first, then the socket (or the TLS stream over it).
/// </summary>
internal sealed class SocketHijackedStream : HijackedStream
{
    private readonly Socket _socket;
    private readonly Stream _transport;
    private ReadOnlyMemory<byte> _pending;

    public SocketHijackedStream(Socket socket, Stream transport, ReadOnlyMemory<byte> alreadyReceived)
    {
        _socket = socket;
        _transport = transport;
        _pending = alreadyReceived;
    }

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>
    /// Half-closes: the process sees end of stdin, its output keeps coming. Over TLS there is no half-close in the
    /// protocol; like the docker CLI this sends TLS close_notify (dockerd's Go TLS then reads end of input but still
    /// writes) and then shuts the TCP send side.
    /// </summary>
    public override async Task CloseWriteAsync(CancellationToken cancellationToken)
    {
        await _transport.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (_transport is SslStream tls)
        {
            await tls.ShutdownAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        _socket.Shutdown(SocketShutdown.Send);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        return TakePending(buffer) is var taken and > 0 ? taken : _transport.Read(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        return TakePending(buffer.Span) is var taken and > 0 ? ValueTask.FromResult(taken) : _transport.ReadAsync(buffer, cancellationToken);
    }

    public override void Write(byte[] buffer, int offset, int count) => _transport.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => _transport.Write(buffer);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _transport.WriteAsync(buffer, offset, count, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _transport.WriteAsync(buffer, cancellationToken);

    public override void Flush() => _transport.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _transport.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _transport.Dispose();
            _socket.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _transport.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private int TakePending(Span<byte> buffer)
    {
        if (_pending.IsEmpty || buffer.IsEmpty)
        {
            return 0;
        }

        var count = Math.Min(buffer.Length, _pending.Length);
        _pending.Span[..count].CopyTo(buffer);
        _pending = _pending[count..];
        return count;
    }
}
