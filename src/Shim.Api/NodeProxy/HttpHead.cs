using System.Globalization;
using System.Text;

namespace Shim.Api.NodeProxy;

/// <summary>An HTTP/1.1 response head read from a raw connection, and the bytes that arrived after it.</summary>
internal sealed class HttpHead
{
    private const int MaxHeadBytes = 64 * 1024;

    private HttpHead(int status, List<(string Name, string Value)> headers, ReadOnlyMemory<byte> leftover)
    {
        Status = status;
        Headers = headers;
        Leftover = leftover;
    }

    public int Status { get; }

    public IReadOnlyList<(string Name, string Value)> Headers { get; }

    /// <summary>Bytes read past the head: the start of the body or of the upgraded protocol.</summary>
    public ReadOnlyMemory<byte> Leftover { get; }

    public string? Header(string name) => Headers.FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    public static async Task<HttpHead> ReadAsync(Stream stream, CancellationToken ct)
    {
        var buffer = new byte[8192];
        var filled = 0;
        while (true)
        {
            var end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var lines = Encoding.ASCII.GetString(buffer, 0, end).Split("\r\n");
                var status = int.Parse(lines[0].Split(' ', 3)[1], CultureInfo.InvariantCulture);
                var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2).Select(p => (p[0].Trim(), p[1].Trim())).ToList();
                return new HttpHead(status, headers, buffer.AsMemory(end + 4, filled - end - 4).ToArray());
            }

            if (filled == buffer.Length)
            {
                if (buffer.Length >= MaxHeadBytes)
                {
                    throw new IOException("the agent's response head is too large");
                }

                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = await stream.ReadAsync(buffer.AsMemory(filled), ct).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("the agent closed the connection before answering");
            }

            filled += read;
        }
    }

    /// <summary>The response body: de-chunked, or up to Content-Length, or to the end of the connection.</summary>
    public Stream Body(Stream connection)
    {
        var rest = new PrefixedStream(Leftover, connection);
        if (Header("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
        {
            return new ChunkedReadStream(rest);
        }

        return long.TryParse(Header("Content-Length"), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            ? new LengthLimitedStream(rest, length)
            : rest;
    }
}
