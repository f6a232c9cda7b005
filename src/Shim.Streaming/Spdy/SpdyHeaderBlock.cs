using System.Buffers.Binary;
using System.Text;

namespace Shim.Streaming.Spdy;

/// <summary>
/// The uncompressed SPDY/3 name/value block: count, then length-prefixed names and values. Names go on the wire in
/// lower case (spdystream kills the connection on upper-case names); several values of one name are NUL-joined.
/// </summary>
public static class SpdyHeaderBlock
{
    public static byte[] Encode(IReadOnlyDictionary<string, string> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        using var output = new MemoryStream();
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(number, (uint)headers.Count);
        output.Write(number);
        foreach (var (name, value) in headers)
        {
            WriteString(output, name.ToLowerInvariant());
            WriteString(output, value);
        }
        return output.ToArray();
    }

    public static Dictionary<string, string> Decode(ReadOnlySpan<byte> block)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (block.IsEmpty)
        {
            return headers;
        }
        var count = ReadLength(ref block);
        for (var i = 0; i < count; i++)
        {
            var name = ReadString(ref block);
            var value = ReadString(ref block);
            if (name.Length == 0)
            {
                throw new SpdyProtocolException("empty header name");
            }
            headers[name] = headers.TryGetValue(name, out var earlier) ? earlier + "\0" + value : value;
        }
        return headers;
    }

    private static void WriteString(MemoryStream output, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)bytes.Length);
        output.Write(length);
        output.Write(bytes);
    }

    private static int ReadLength(ref ReadOnlySpan<byte> block)
    {
        if (block.Length < 4)
        {
            throw new SpdyProtocolException("truncated header block");
        }
        var value = BinaryPrimitives.ReadUInt32BigEndian(block);
        block = block[4..];
        if (value > (uint)block.Length && value > 1_000_000)
        {
            throw new SpdyProtocolException("header block length out of range");
        }
        return (int)value;
    }

    private static string ReadString(ref ReadOnlySpan<byte> block)
    {
        var length = ReadLength(ref block);
        if (length > block.Length)
        {
            throw new SpdyProtocolException("truncated header block");
        }
        var text = Encoding.UTF8.GetString(block[..length]);
        block = block[length..];
        return text;
    }
}
