namespace Shim.Streaming.Spdy;

/// <summary>The peer broke the SPDY/3.1 framing rules; the connection cannot continue.</summary>
public sealed class SpdyProtocolException : Exception
{
    public SpdyProtocolException()
    {
    }

    public SpdyProtocolException(string message) : base(message)
    {
    }

    public SpdyProtocolException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
