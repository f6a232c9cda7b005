using System.Buffers.Binary;

namespace Shim.Docker;

/// <summary>
/// Reads the multiplexed output of non-TTY attach, exec and logs: each frame is an 8-byte header (byte 0 the stream
/// type, bytes 4..7 the big-endian payload length) followed by the payload.
/// </summary>
public sealed class MultiplexedStream
{
    private const int HeaderLength = 8;
    private readonly Stream _inner;
    private readonly byte[] _header = new byte[HeaderLength];

    public MultiplexedStream(Stream inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
    }

    /// <summary>The next frame, or null when the stream ends cleanly between frames.</summary>
    public async ValueTask<MultiplexedFrame?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        var headerRead = await ReadFullyAsync(_header, cancellationToken).ConfigureAwait(false);
        if (headerRead == 0)
        {
            return null;
        }

        if (headerRead < HeaderLength)
        {
            throw new EndOfStreamException($"multiplexed stream ended inside a frame header ({headerRead} of {HeaderLength} bytes)");
        }

        var streamType = _header[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(4));
        if (length > int.MaxValue)
        {
            throw new InvalidDataException($"multiplexed frame too large: {length} bytes");
        }

        // A fresh buffer per frame: callers may keep the payload after asking for the next frame.
        var payload = new byte[length];
        var payloadRead = await ReadFullyAsync(payload, cancellationToken).ConfigureAwait(false);
        if (payloadRead < payload.Length)
        {
            throw new EndOfStreamException($"multiplexed stream ended inside a frame ({payloadRead} of {length} bytes)");
        }

        return new MultiplexedFrame(streamType, payload);
    }

    /// <summary>Copies stdout frames to <paramref name="stdout"/> and stderr frames to <paramref name="stderr"/> until the stream ends.</summary>
    public async Task CopyOutputToAsync(Stream stdout, Stream stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        while (await ReadFrameAsync(cancellationToken).ConfigureAwait(false) is { } frame)
        {
            // Stdin frames never come from dockerd; anything that is not stderr is treated as stdout, like the docker CLI.
            var target = frame.StreamType == MultiplexedFrame.Stderr ? stderr : stdout;
            await target.WriteAsync(frame.Payload, cancellationToken).ConfigureAwait(false);
            await target.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<int> ReadFullyAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await _inner.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}
