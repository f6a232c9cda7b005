namespace Shim.Docker;

/// <summary>
/// A connection taken over after attach or exec start. Reading gives the container's output (multiplexed frames unless
/// the session has a TTY: use <see cref="MultiplexedStream"/>); writing sends stdin; <see cref="CloseWriteAsync"/>
/// half-closes the connection so the process sees end of input while its output can still be read.
/// </summary>
public abstract class HijackedStream : Stream
{
    public abstract Task CloseWriteAsync(CancellationToken cancellationToken);
}
