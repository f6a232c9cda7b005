namespace Shim.Storage;

/// <summary>The requested revision is older than the retained event history.</summary>
public sealed class RevisionCompactedException(long requested, long compacted)
    : Exception($"revision {requested} has been compacted (oldest retained {compacted})")
{
    public long Requested { get; } = requested;
    public long Compacted { get; } = compacted;
}
