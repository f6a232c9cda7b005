namespace Shim.Storage;

/// <param name="Key">The full key.</param>
/// <param name="Value">The stored bytes (JSON for the API server).</param>
/// <param name="ModRevision">Revision of the write that produced this value.</param>
/// <param name="CreateRevision">Revision of the write that created the key.</param>
public sealed record StoreEntry(string Key, byte[] Value, long ModRevision, long CreateRevision);
