namespace Shim.Docker;

/// <summary>Status and headers of a response read off a raw connection, and the body bytes that came with them.</summary>
internal sealed record RawResponseHead(int StatusCode, IReadOnlyDictionary<string, string> Headers, ReadOnlyMemory<byte> AlreadyReceived);
