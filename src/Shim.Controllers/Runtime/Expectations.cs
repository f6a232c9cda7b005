using System.Collections.Concurrent;

namespace Shim.Controllers.Runtime;

/// <summary>
/// How many creations and deletions a controller still waits to see in its informer, per owner key. Until they are
/// seen the cache is behind its own writes, so a sync must not count pods again (it would create duplicates).
/// Entries expire after <see cref="Timeout"/> in case an event was lost, as upstream's ControllerExpectations.
/// </summary>
public sealed class Expectations(TimeProvider time)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public void Expect(string key, int creations, int deletions) =>
        _entries[key] = new Entry(creations, deletions, time.GetUtcNow());

    public void CreationObserved(string key) => Lower(key, 1, 0);

    public void DeletionObserved(string key) => Lower(key, 0, 1);

    /// <summary>A create or delete that failed will never be observed.</summary>
    public void CreationFailed(string key) => Lower(key, 1, 0);

    public void DeletionFailed(string key) => Lower(key, 0, 1);

    public bool Satisfied(string key) =>
        !_entries.TryGetValue(key, out var e) || (e.Creations <= 0 && e.Deletions <= 0) || time.GetUtcNow() - e.Since > Timeout;

    public void Forget(string key) => _entries.TryRemove(key, out _);

    private void Lower(string key, int creations, int deletions)
    {
        while (_entries.TryGetValue(key, out var e))
        {
            if (_entries.TryUpdate(key, e with { Creations = e.Creations - creations, Deletions = e.Deletions - deletions }, e))
            {
                return;
            }
        }
    }

    private sealed record Entry(int Creations, int Deletions, DateTimeOffset Since);
}
