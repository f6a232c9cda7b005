using System.Buffers.Binary;

namespace Shim.Streaming.Spdy;

/// <summary>
/// One frame as read from the wire: type, flags and the payload after the 8-byte header. For DATA frames
/// <see cref="StreamId"/> comes from the header; for control frames that carry a stream id it is the first payload word.
/// </summary>
public sealed record SpdyFrame(SpdyFrameType Type, byte Flags, int StreamId, ReadOnlyMemory<byte> Payload, int Version = 3)
{
    public bool IsFin => (Flags & SpdyFrameFlags.Fin) != 0;

    /// <summary>The second 32-bit word of the payload (RST status, WINDOW_UPDATE delta, GOAWAY status, ...).</summary>
    public uint SecondWord => BinaryPrimitives.ReadUInt32BigEndian(Payload.Span[4..]);

    /// <summary>The first 32-bit word of the payload with the reserved bit cleared.</summary>
    public uint FirstWord => BinaryPrimitives.ReadUInt32BigEndian(Payload.Span) & 0x7FFF_FFFF;
}
