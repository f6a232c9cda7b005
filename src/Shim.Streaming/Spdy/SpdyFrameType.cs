namespace Shim.Streaming.Spdy;

/// <summary>SPDY/3.1 control frame types, plus <see cref="Data"/> for data frames (which have no type field).</summary>
public enum SpdyFrameType
{
    Data = 0,
    SynStream = 1,
    SynReply = 2,
    RstStream = 3,
    Settings = 4,
    Ping = 6,
    GoAway = 7,
    Headers = 8,
    WindowUpdate = 9,
}
