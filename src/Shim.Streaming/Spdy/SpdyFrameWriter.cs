using System.Buffers.Binary;

namespace Shim.Streaming.Spdy;

/// <summary>
/// Writes SPDY/3.1 frames, one at a time (frames from many streams share the connection). Owns the sending header
/// compressor, because compressed blocks must reach the wire in the order they were compressed.
/// </summary>
public sealed class SpdyFrameWriter : IDisposable
{
    private const int Version = 3;

    private readonly Stream _transport;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly SpdyHeaderCompressor _compressor = new();

    public SpdyFrameWriter(Stream transport)
    {
        _transport = transport;
    }

    public Task WriteSynStreamAsync(int streamId, IReadOnlyDictionary<string, string> headers, byte flags, CancellationToken cancellationToken) =>
        WriteHeaderFrameAsync(SpdyFrameType.SynStream, streamId, headers, flags, cancellationToken);

    public Task WriteSynReplyAsync(int streamId, IReadOnlyDictionary<string, string> headers, byte flags, CancellationToken cancellationToken) =>
        WriteHeaderFrameAsync(SpdyFrameType.SynReply, streamId, headers, flags, cancellationToken);

    public Task WriteRstStreamAsync(int streamId, SpdyStreamStatus status, CancellationToken cancellationToken) =>
        WriteTwoWordFrameAsync(SpdyFrameType.RstStream, (uint)streamId, (uint)status, cancellationToken);

    public Task WriteGoAwayAsync(int lastGoodStreamId, SpdyGoAwayStatus status, CancellationToken cancellationToken) =>
        WriteTwoWordFrameAsync(SpdyFrameType.GoAway, (uint)lastGoodStreamId, (uint)status, cancellationToken);

    public Task WriteWindowUpdateAsync(int streamId, int delta, CancellationToken cancellationToken) =>
        WriteTwoWordFrameAsync(SpdyFrameType.WindowUpdate, (uint)streamId, (uint)delta, cancellationToken);

    public Task WritePingAsync(uint id, CancellationToken cancellationToken)
    {
        var frame = new byte[12];
        WriteControlHeader(frame, SpdyFrameType.Ping, 0, 4);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), id);
        return WriteLockedAsync(frame, cancellationToken);
    }

    public Task WriteSettingsAsync(IReadOnlyList<(int Id, uint Value)> settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var frame = new byte[12 + (8 * settings.Count)];
        WriteControlHeader(frame, SpdyFrameType.Settings, 0, frame.Length - 8);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), (uint)settings.Count);
        for (var i = 0; i < settings.Count; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(12 + (8 * i)), (uint)settings[i].Id & 0x00FF_FFFF);
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(16 + (8 * i)), settings[i].Value);
        }
        return WriteLockedAsync(frame, cancellationToken);
    }

    /// <summary>One DATA frame; the caller keeps <paramref name="data"/> below 16 MiB (we send far smaller chunks).</summary>
    public Task WriteDataAsync(int streamId, ReadOnlyMemory<byte> data, byte flags, CancellationToken cancellationToken)
    {
        var frame = new byte[8 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)streamId & 0x7FFF_FFFF);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), ((uint)flags << 24) | (uint)data.Length);
        data.Span.CopyTo(frame.AsSpan(8));
        return WriteLockedAsync(frame, cancellationToken);
    }

    public void Dispose()
    {
        _compressor.Dispose();
        _lock.Dispose();
    }

    private async Task WriteHeaderFrameAsync(
        SpdyFrameType type, int streamId, IReadOnlyDictionary<string, string> headers, byte flags, CancellationToken cancellationToken)
    {
        var block = SpdyHeaderBlock.Encode(headers);
        // SYN_STREAM carries associated-stream-id, priority and slot before the block; the others only the id.
        var prefix = type == SpdyFrameType.SynStream ? 10 : 4;
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var compressed = _compressor.Compress(block);
            var frame = new byte[8 + prefix + compressed.Length];
            WriteControlHeader(frame, type, flags, prefix + compressed.Length);
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), (uint)streamId & 0x7FFF_FFFF);
            compressed.CopyTo(frame.AsSpan(8 + prefix));
            await _transport.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            await _transport.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    private Task WriteTwoWordFrameAsync(SpdyFrameType type, uint first, uint second, CancellationToken cancellationToken)
    {
        var frame = new byte[16];
        WriteControlHeader(frame, type, 0, 8);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), first & 0x7FFF_FFFF);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(12), second);
        return WriteLockedAsync(frame, cancellationToken);
    }

    private static void WriteControlHeader(Span<byte> frame, SpdyFrameType type, byte flags, int length)
    {
        BinaryPrimitives.WriteUInt32BigEndian(frame, 0x8000_0000u | (Version << 16) | (uint)type);
        BinaryPrimitives.WriteUInt32BigEndian(frame[4..], ((uint)flags << 24) | (uint)length);
    }

    private async Task WriteLockedAsync(byte[] frame, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _transport.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            await _transport.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }
}
