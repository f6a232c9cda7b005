namespace Shim.Storage;

/// <summary>
/// A revisioned key-value store with an ordered event log.
/// Every successful write takes the next global revision; that revision is the object's resourceVersion.
/// Updates and deletes are compare-and-swap on the key's last modification revision.
/// </summary>
public interface IStore : IAsyncDisposable
{
    /// <summary>Human-readable description of the backend, for the startup log.</summary>
    string Description { get; }

    /// <summary>The revision of the latest acknowledged write.</summary>
    Task<long> CurrentRevisionAsync(CancellationToken cancellationToken);

    Task<StoreEntry?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Every live entry whose key starts with <paramref name="prefix"/>, at one consistent revision.</summary>
    Task<StoreSnapshot> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Creates the key; fails with <see cref="WriteStatus.AlreadyExists"/> when it is live.</summary>
    Task<WriteResult> CreateAsync(string key, byte[] value, CancellationToken cancellationToken);

    /// <summary>Replaces the value when the key's modification revision equals <paramref name="expectedRevision"/>.</summary>
    Task<WriteResult> UpdateAsync(string key, byte[] value, long expectedRevision, CancellationToken cancellationToken);

    /// <summary>Deletes the key when its modification revision equals <paramref name="expectedRevision"/>.</summary>
    Task<WriteResult> DeleteAsync(string key, long expectedRevision, CancellationToken cancellationToken);

    /// <summary>
    /// Events with revision greater than <paramref name="afterRevision"/> for keys under <paramref name="prefix"/>, in order,
    /// until cancelled. Throws <see cref="RevisionCompactedException"/> when that history has been compacted away.
    /// </summary>
    IAsyncEnumerable<StoreEvent> WatchAsync(string prefix, long afterRevision, CancellationToken cancellationToken);

    /// <summary>Drops event history older than <paramref name="revision"/>; watches from before it then fail.</summary>
    Task CompactAsync(long revision, CancellationToken cancellationToken);

    /// <summary>The oldest revision a watch may resume after.</summary>
    Task<long> CompactedRevisionAsync(CancellationToken cancellationToken);
}
