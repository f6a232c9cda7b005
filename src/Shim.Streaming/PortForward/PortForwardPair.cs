using Shim.Streaming.Spdy;

namespace Shim.Streaming.PortForward;

/// <summary>The error and data streams kubectl opens for one forwarded TCP connection (same <c>requestid</c>).</summary>
internal sealed class PortForwardPair
{
    public PortForwardPair(string requestId, DateTime createdAt)
    {
        RequestId = requestId;
        CreatedAt = createdAt;
    }

    public string RequestId { get; }

    public DateTime CreatedAt { get; }

    public SpdyStream? Error { get; set; }

    public SpdyStream? Data { get; set; }

    public bool Started { get; set; }
}
