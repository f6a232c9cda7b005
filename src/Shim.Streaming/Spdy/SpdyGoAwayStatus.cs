namespace Shim.Streaming.Spdy;

/// <summary>GOAWAY status codes.</summary>
public enum SpdyGoAwayStatus
{
    Ok = 0,
    ProtocolError = 1,
    InternalError = 2,
}
