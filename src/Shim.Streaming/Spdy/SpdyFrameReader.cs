using System.Buffers.Binary;

namespace Shim.Streaming.Spdy;

/// <summary>Reads SPDY/3.1 frames off a byte stream (no interpretation beyond the fixed frame layouts).</summary>
public sealed class SpdyFrameReader
{
    private readonly Stream _transport;
    private readonly byte[] _header = new byte[8];

    public SpdyFrameReader(Stream transport)
    {
        _transport = transport;
    }

    /// <summary>The next frame, or null at a clean end of the stream between frames.</summary>
    public async Task<SpdyFrame?> ReadAsync(CancellationToken cancellationToken)
    {
        if (!await FillAsync(_header, allowEndOfStream: true, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        var first = BinaryPrimitives.ReadUInt32BigEndian(_header);
        var flags = _header[4];
        var length = (int)(BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(4)) & 0x00FF_FFFF);
        var payload = new byte[length];
        await FillAsync(payload, allowEndOfStream: false, cancellationToken).ConfigureAwait(false);

        if ((first & 0x8000_0000) == 0)
        {
            return new SpdyFrame(SpdyFrameType.Data, flags, (int)(first & 0x7FFF_FFFF), payload);
        }

        var version = (int)((first >> 16) & 0x7FFF);
        var type = (SpdyFrameType)(first & 0xFFFF);
        var minimumLength = type switch
        {
            SpdyFrameType.SynStream => 10,
            SpdyFrameType.SynReply or SpdyFrameType.Headers => 4,
            SpdyFrameType.RstStream or SpdyFrameType.GoAway or SpdyFrameType.WindowUpdate => 8,
            SpdyFrameType.Ping => 4,
            SpdyFrameType.Settings => 4,
            _ => 0,
        };
        if (length < minimumLength)
        {
            throw new SpdyProtocolException($"{type} frame too short ({length} bytes)");
        }
        var streamId = type is SpdyFrameType.SynStream or SpdyFrameType.SynReply or SpdyFrameType.Headers
            or SpdyFrameType.RstStream or SpdyFrameType.WindowUpdate
            ? (int)(BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7FFF_FFFF)
            : 0;
        return new SpdyFrame(type, flags, streamId, payload, version);
    }

    private async Task<bool> FillAsync(byte[] buffer, bool allowEndOfStream, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await _transport.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (filled == 0 && allowEndOfStream)
                {
                    return false;
                }
                throw new EndOfStreamException("SPDY connection ended inside a frame");
            }
            filled += read;
        }
        return true;
    }
}
