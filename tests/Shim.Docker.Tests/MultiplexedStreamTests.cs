using System.Text;

namespace Shim.Docker.Tests;

public sealed class MultiplexedStreamTests
{
    [Fact]
    public async Task Frames_are_read_with_their_stream_type_and_payload_until_the_end()
    {
        var bytes = Frame(1, "out\n").Concat(Frame(2, "err\n")).Concat(Frame(1, "")).Concat(Frame(1, new string('x', 70_000))).ToArray();
        var stream = new MultiplexedStream(new TrickleStream(bytes, 3));

        var frames = new List<MultiplexedFrame>();
        while (await stream.ReadFrameAsync(CancellationToken.None) is { } frame)
        {
            frames.Add(frame);
        }

        Assert.Equal([1, 2, 1, 1], frames.Select(f => f.StreamType));
        Assert.Equal("out\n", Encoding.UTF8.GetString(frames[0].Payload.Span));
        Assert.Equal("err\n", Encoding.UTF8.GetString(frames[1].Payload.Span));
        Assert.True(frames[2].Payload.IsEmpty);
        Assert.Equal(70_000, frames[3].Payload.Length);
    }

    [Fact]
    public async Task Output_is_copied_to_stdout_and_stderr()
    {
        var bytes = Frame(1, "a").Concat(Frame(2, "b")).Concat(Frame(1, "c")).ToArray();
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();

        await new MultiplexedStream(new MemoryStream(bytes)).CopyOutputToAsync(stdout, stderr, CancellationToken.None);

        Assert.Equal("ac", Encoding.UTF8.GetString(stdout.ToArray()));
        Assert.Equal("b", Encoding.UTF8.GetString(stderr.ToArray()));
    }

    [Fact]
    public async Task A_stream_cut_inside_a_frame_is_an_error()
    {
        var cutPayload = Frame(1, "hello")[..10];
        var cutHeader = Frame(1, "hello")[..5];

        await Assert.ThrowsAsync<EndOfStreamException>(() => new MultiplexedStream(new MemoryStream(cutPayload)).ReadFrameAsync(CancellationToken.None).AsTask());
        await Assert.ThrowsAsync<EndOfStreamException>(() => new MultiplexedStream(new MemoryStream(cutHeader)).ReadFrameAsync(CancellationToken.None).AsTask());
    }

    private static byte[] Frame(byte streamType, string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var frame = new byte[8 + payload.Length];
        frame[0] = streamType;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), payload.Length);
        payload.CopyTo(frame, 8);
        return frame;
    }
}
