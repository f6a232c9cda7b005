namespace Shim.Storage;

public enum WriteStatus
{
    Ok,
    AlreadyExists,
    NotFound,
    Conflict,
}

/// <param name="Status">Outcome.</param>
/// <param name="Revision">The revision of the write when it succeeded.</param>
/// <param name="Current">On conflict or delete: the current entry (the deleted one for a successful delete).</param>
public sealed record WriteResult(WriteStatus Status, long Revision, StoreEntry? Current)
{
    public bool Succeeded => Status == WriteStatus.Ok;
}
