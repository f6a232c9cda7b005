using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Shim.Storage.Tests;

/// <summary>
/// A minimal RESP2 client for driving test servers (PING, SHUTDOWN, PUBSUB NUMSUB) independently of the store
/// under test, so a bug in the store's client library cannot hide a server-side fact.
/// </summary>
internal static class RespClient
{
    /// <summary>Sends one command; returns string, long, byte[], object?[] or null. Server errors throw.</summary>
    public static async Task<object?> CommandAsync(int port, CancellationToken cancellationToken, params string[] args)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, cancellationToken);
        var stream = client.GetStream();
        var request = new StringBuilder();
        request.Append(CultureInfo.InvariantCulture, $"*{args.Length}\r\n");
        foreach (var arg in args)
        {
            request.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(arg)}\r\n{arg}\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), cancellationToken);
        using var reader = new BufferedStream(stream);
        return await ReadAsync(reader, cancellationToken);
    }

    private static async Task<object?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(stream, cancellationToken);
        var body = line[1..];
        switch (line[0])
        {
            case '+':
                return body;
            case '-':
                throw new InvalidOperationException($"redis error: {body}");
            case ':':
                return long.Parse(body, CultureInfo.InvariantCulture);
            case '$':
            {
                var length = int.Parse(body, CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return null;
                }

                var data = new byte[length + 2];
                await stream.ReadExactlyAsync(data, cancellationToken);
                return data[..length];
            }

            case '*':
            {
                var count = int.Parse(body, CultureInfo.InvariantCulture);
                if (count < 0)
                {
                    return null;
                }

                var items = new object?[count];
                for (var i = 0; i < count; i++)
                {
                    items[i] = await ReadAsync(stream, cancellationToken);
                }

                return items;
            }

            default:
                throw new InvalidOperationException($"unexpected RESP line '{line}'");
        }
    }

    private static async Task<string> ReadLineAsync(Stream stream, CancellationToken cancellationToken)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                throw new EndOfStreamException("connection closed by the server");
            }

            if (one[0] == '\n' && bytes.Count > 0 && bytes[^1] == '\r')
            {
                return Encoding.UTF8.GetString(bytes.ToArray(), 0, bytes.Count - 1);
            }

            bytes.Add(one[0]);
        }
    }
}
