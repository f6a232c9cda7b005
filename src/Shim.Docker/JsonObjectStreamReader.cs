using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shim.Docker;

/// <summary>
/// Splits a byte stream of JSON objects (newline-separated or simply concatenated, as dockerd writes events and pull
/// progress) into <see cref="JsonObject"/>s, yielding each as soon as its last byte has arrived.
/// </summary>
internal static class JsonObjectStreamReader
{
    public static async IAsyncEnumerable<JsonObject> ReadAllAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var filled = 0;
        while (true)
        {
            // Hand out every complete object already buffered before reading more.
            while (TryTakeObject(buffer.AsSpan(0, filled), out var value, out var consumed))
            {
                Buffer.BlockCopy(buffer, consumed, buffer, 0, filled - consumed);
                filled -= consumed;
                if (value is not null)
                {
                    yield return value;
                }
            }

            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (buffer.AsSpan(0, filled).Trim(" \t\r\n"u8).Length > 0)
                {
                    throw new DockerException(0, "the JSON stream from dockerd ended inside an object");
                }

                yield break;
            }

            filled += read;
        }
    }

    /// <summary>
    /// True when <paramref name="data"/> starts with a whole JSON value (after whitespace); <paramref name="consumed"/> is
    /// its end. <paramref name="value"/> is the value when it is an object, null for anything else (skipped).
    /// </summary>
    private static bool TryTakeObject(ReadOnlySpan<byte> data, out JsonObject? value, out int consumed)
    {
        value = null;
        consumed = 0;
        var reader = new Utf8JsonReader(data, isFinalBlock: false, state: default);
        try
        {
            if (!reader.Read() || !reader.TrySkip())
            {
                return false;
            }
        }
        catch (JsonException e)
        {
            throw new DockerException(0, $"dockerd sent malformed JSON: {e.Message}", e);
        }

        consumed = (int)reader.BytesConsumed;
        if (reader.TokenType == JsonTokenType.EndObject)
        {
            value = JsonNode.Parse(data[..consumed].TrimStart(" \t\r\n"u8)) as JsonObject;
        }

        return true;
    }
}
