namespace Shim.Storage;

public enum StoreEventType
{
    Put,
    Delete,
}

/// <param name="Revision">The revision of the write.</param>
/// <param name="Entry">For a put the new entry; for a delete the last entry before deletion (its ModRevision is the old one).</param>
/// <param name="Created">True when the put created the key.</param>
public sealed record StoreEvent(StoreEventType Type, long Revision, StoreEntry Entry, bool Created);
