namespace Shim.Streaming.Spdy;

/// <summary>Frame flag bits used by SPDY/3.1.</summary>
public static class SpdyFrameFlags
{
    /// <summary>Last frame from this side on the stream (half-close); DATA, SYN_STREAM, SYN_REPLY, HEADERS.</summary>
    public const byte Fin = 0x01;

    /// <summary>SYN_STREAM: the receiver may not send on this stream.</summary>
    public const byte Unidirectional = 0x02;
}
