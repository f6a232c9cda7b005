using System.Buffers.Binary;

namespace Shim.Agent.Dns;

/// <summary>DNS over TCP: every message is preceded by its length as two bytes (RFC 1035 4.2.2).</summary>
public static class DnsTcpFraming
{
    /// <summary>Reads one message; null when the peer closed the stream before starting another.</summary>
    public static async Task<byte[]?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var prefix = new byte[2];
        var first = await stream.ReadAsync(prefix.AsMemory(0, 2), cancellationToken).ConfigureAwait(false);
        if (first == 0)
        {
            return null;
        }

        if (first == 1)
        {
            await stream.ReadExactlyAsync(prefix.AsMemory(1, 1), cancellationToken).ConfigureAwait(false);
        }

        var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
        await stream.ReadExactlyAsync(message, cancellationToken).ConfigureAwait(false);
        return message;
    }

    public static async Task WriteAsync(Stream stream, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (message.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"a DNS message of {message.Length} bytes does not fit TCP framing", nameof(message));
        }

        // One write for prefix and message, so the pair leaves in one segment.
        var framed = new byte[message.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)message.Length);
        message.CopyTo(framed.AsMemory(2));
        await stream.WriteAsync(framed, cancellationToken).ConfigureAwait(false);
    }
}
