namespace Shim.Storage;

/// <summary>The entries under a prefix as of <paramref name="Revision"/>.</summary>
public sealed record StoreSnapshot(long Revision, IReadOnlyList<StoreEntry> Entries);
