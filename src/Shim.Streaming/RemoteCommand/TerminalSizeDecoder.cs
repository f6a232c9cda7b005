using System.Text.Json;

namespace Shim.Streaming.RemoteCommand;

/// <summary>
/// Decodes the resize stream: a sequence of JSON objects <c>{"Width":W,"Height":H}</c>, possibly split or joined
/// arbitrarily across reads/messages (the client writes with a streaming encoder).
/// </summary>
internal sealed class TerminalSizeDecoder
{
    private const int MaxPending = 64 * 1024;

    private byte[] _pending = [];

    public List<TerminalSize> Feed(ReadOnlySpan<byte> data)
    {
        var buffer = new byte[_pending.Length + data.Length];
        _pending.CopyTo(buffer, 0);
        data.CopyTo(buffer.AsSpan(_pending.Length));
        var sizes = new List<TerminalSize>();
        var consumed = 0;
        while (true)
        {
            var remaining = buffer.AsSpan(consumed);
            var reader = new Utf8JsonReader(remaining, isFinalBlock: false, state: default);
            if (!reader.Read())
            {
                break; // only whitespace (or nothing) so far
            }
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new FormatException("resize messages must be JSON objects");
            }
            if (!reader.TrySkip())
            {
                break; // the object is not complete yet
            }
            var length = (int)reader.BytesConsumed;
            sizes.Add(Parse(remaining[..length]));
            consumed += length;
        }
        _pending = buffer[consumed..];
        if (_pending.Length > MaxPending)
        {
            throw new FormatException("resize message too large");
        }
        return sizes;
    }

    private static TerminalSize Parse(ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        ushort width = 0;
        ushort height = 0;
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.Name.Equals("width", StringComparison.OrdinalIgnoreCase))
            {
                width = property.Value.GetUInt16();
            }
            else if (property.Name.Equals("height", StringComparison.OrdinalIgnoreCase))
            {
                height = property.Value.GetUInt16();
            }
        }
        return new TerminalSize(width, height);
    }
}
