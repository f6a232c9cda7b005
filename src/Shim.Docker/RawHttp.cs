using System.Globalization;
using System.Text;

namespace Shim.Docker;

/// <summary>
/// The minimal HTTP/1.1 needed for hijacked connections, where HttpClient cannot hand over the socket: write one
/// request, read the response head, and read an error body when dockerd refused the upgrade.
/// </summary>
internal static class RawHttp
{
    private const int MaxHeadLength = 64 * 1024;
    private const int MaxErrorBodyLength = 1024 * 1024;

    public static async Task WriteUpgradeRequestAsync(Stream stream, string method, string hostHeader, string pathAndQuery, string? jsonBody, CancellationToken cancellationToken)
    {
        var body = jsonBody is null ? [] : Encoding.UTF8.GetBytes(jsonBody);
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{method} {pathAndQuery} HTTP/1.1\r\n")
            .Append(CultureInfo.InvariantCulture, $"Host: {hostHeader}\r\n")
            .Append("User-Agent: shim\r\n")
            .Append("Connection: Upgrade\r\n")
            .Append("Upgrade: tcp\r\n");
        if (jsonBody is not null)
        {
            head.Append("Content-Type: application/json\r\n");
        }

        head.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(body, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<RawResponseHead> ReadResponseHeadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var filled = 0;
        int headEnd;
        while ((headEnd = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (filled == buffer.Length)
            {
                if (buffer.Length >= MaxHeadLength)
                {
                    throw new DockerException(0, "dockerd sent an oversized HTTP response head");
                }

                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new DockerException(0, "dockerd closed the connection before responding");
            }

            filled += read;
        }

        var lines = Encoding.ASCII.GetString(buffer, 0, headEnd).Split("\r\n");
        // Status line: HTTP/1.1 101 UPGRADED
        var statusParts = lines[0].Split(' ', 3);
        if (statusParts.Length < 2 || !statusParts[0].StartsWith("HTTP/", StringComparison.Ordinal)
            || !int.TryParse(statusParts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw new DockerException(0, $"dockerd sent a malformed HTTP status line: {lines[0]}");
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        var bodyStart = headEnd + 4;
        return new RawResponseHead(status, headers, buffer.AsMemory(bodyStart, filled - bodyStart));
    }

    /// <summary>The body of a non-upgraded response: by Content-Length, chunked, or up to the connection's end.</summary>
    public static async Task<string> ReadBodyAsync(Stream stream, RawResponseHead head, CancellationToken cancellationToken)
    {
        using var raw = new MemoryStream();
        raw.Write(head.AlreadyReceived.Span);
        long? expected = head.Headers.TryGetValue("Content-Length", out var lengthText)
            && long.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var length) ? length : null;
        var chunked = head.Headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase);
        var buffer = new byte[8192];
        while ((expected is null || raw.Length < expected) && raw.Length < MaxErrorBodyLength && !(chunked && EndsWithLastChunk(raw)))
        {
            var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            raw.Write(buffer, 0, read);
        }

        var bytes = raw.ToArray();
        if (expected is { } exact && bytes.Length > exact)
        {
            bytes = bytes[..(int)exact];
        }

        return Encoding.UTF8.GetString(chunked ? Dechunk(bytes) : bytes);
    }

    private static bool EndsWithLastChunk(MemoryStream raw) => raw.GetBuffer().AsSpan(0, (int)raw.Length).EndsWith("0\r\n\r\n"u8);

    private static byte[] Dechunk(byte[] data)
    {
        using var body = new MemoryStream();
        var position = 0;
        while (position < data.Length)
        {
            var lineEnd = data.AsSpan(position).IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                break;
            }

            var sizeText = Encoding.ASCII.GetString(data, position, lineEnd).Split(';')[0].Trim();
            if (!int.TryParse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size) || size == 0)
            {
                break;
            }

            position += lineEnd + 2;
            var available = Math.Min(size, data.Length - position);
            body.Write(data, position, available);
            position += size + 2;
        }

        return body.ToArray();
    }
}
