namespace Shim.Streaming.RemoteCommand;

/// <summary>Write-only <see cref="Stream"/> that sends each write on one remotecommand WebSocket channel.</summary>
internal sealed class WebSocketChannelOutput : Stream
{
    private readonly WebSocketChannelWriter _writer;
    private readonly byte _channel;

    public WebSocketChannelOutput(WebSocketChannelWriter writer, byte channel)
    {
        _writer = writer;
        _channel = channel;
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) =>
        _writer.SendAsync(_channel, buffer.AsMemory(offset, count), CancellationToken.None).GetAwaiter().GetResult();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        buffer.IsEmpty ? ValueTask.CompletedTask : new(_writer.SendAsync(_channel, buffer, cancellationToken));

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
}
