namespace Shim.Docker;

/// <summary>One frame of Docker's multiplexed stream: <see cref="StreamType"/> 0 stdin, 1 stdout, 2 stderr.</summary>
public readonly record struct MultiplexedFrame(int StreamType, ReadOnlyMemory<byte> Payload)
{
    public const int Stdin = 0;
    public const int Stdout = 1;
    public const int Stderr = 2;
}
