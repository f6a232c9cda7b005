using System.Runtime.CompilerServices;

namespace Shim.Storage;

/// <summary>
/// The embedded store: everything in process memory, guarded by one lock.
/// Keeps the event log in a list; compaction drops its head.
/// </summary>
public sealed class MemoryStore : IStore
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, StoreEntry> _entries = new(StringComparer.Ordinal);
    private readonly List<StoreEvent> _log = [];
    private long _revision;
    private long _compacted;
    private TaskCompletionSource _changed = NewSignal();

    public string Description => "embedded (in-process memory)";

    public Task<long> CurrentRevisionAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_revision);
        }
    }

    public Task<StoreEntry?> GetAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_entries.GetValueOrDefault(key));
        }
    }

    public Task<StoreSnapshot> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var items = _entries.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(e => e.Value).ToList();
            return Task.FromResult(new StoreSnapshot(_revision, items));
        }
    }

    public Task<WriteResult> CreateAsync(string key, byte[] value, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                return Task.FromResult(new WriteResult(WriteStatus.AlreadyExists, 0, existing));
            }

            var revision = ++_revision;
            var entry = new StoreEntry(key, value, revision, revision);
            _entries[key] = entry;
            Append(new StoreEvent(StoreEventType.Put, revision, entry, Created: true));
            return Task.FromResult(new WriteResult(WriteStatus.Ok, revision, entry));
        }
    }

    public Task<WriteResult> UpdateAsync(string key, byte[] value, long expectedRevision, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var existing))
            {
                return Task.FromResult(new WriteResult(WriteStatus.NotFound, 0, null));
            }

            if (existing.ModRevision != expectedRevision)
            {
                return Task.FromResult(new WriteResult(WriteStatus.Conflict, 0, existing));
            }

            var revision = ++_revision;
            var entry = new StoreEntry(key, value, revision, existing.CreateRevision);
            _entries[key] = entry;
            Append(new StoreEvent(StoreEventType.Put, revision, entry, Created: false));
            return Task.FromResult(new WriteResult(WriteStatus.Ok, revision, entry));
        }
    }

    public Task<WriteResult> DeleteAsync(string key, long expectedRevision, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var existing))
            {
                return Task.FromResult(new WriteResult(WriteStatus.NotFound, 0, null));
            }

            if (existing.ModRevision != expectedRevision)
            {
                return Task.FromResult(new WriteResult(WriteStatus.Conflict, 0, existing));
            }

            var revision = ++_revision;
            _entries.Remove(key);
            Append(new StoreEvent(StoreEventType.Delete, revision, existing, Created: false));
            return Task.FromResult(new WriteResult(WriteStatus.Ok, revision, existing));
        }
    }

    public async IAsyncEnumerable<StoreEvent> WatchAsync(string prefix, long afterRevision, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = afterRevision;
        while (true)
        {
            List<StoreEvent> batch;
            Task changed;
            lock (_gate)
            {
                if (next < _compacted)
                {
                    throw new RevisionCompactedException(next, _compacted);
                }

                batch = EventsAfter(next, prefix);
                changed = _changed.Task;
            }

            foreach (var e in batch)
            {
                next = e.Revision;
                yield return e;
            }

            if (batch.Count == 0)
            {
                await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Task CompactAsync(long revision, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var target = Math.Min(revision, _revision);
            if (target <= _compacted)
            {
                return Task.CompletedTask;
            }

            var drop = _log.FindIndex(e => e.Revision > target);
            _log.RemoveRange(0, drop < 0 ? _log.Count : drop);
            _compacted = target;
            return Task.CompletedTask;
        }
    }

    public Task<long> CompactedRevisionAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_compacted);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private List<StoreEvent> EventsAfter(long revision, string prefix)
    {
        // The log is ordered by revision: binary search for the first event after the requested one.
        int lo = 0, hi = _log.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (_log[mid].Revision <= revision)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        var result = new List<StoreEvent>();
        for (var i = lo; i < _log.Count; i++)
        {
            if (_log[i].Entry.Key.StartsWith(prefix, StringComparison.Ordinal))
            {
                result.Add(_log[i]);
            }
        }

        return result;
    }

    private void Append(StoreEvent e)
    {
        _log.Add(e);
        var signal = _changed;
        _changed = NewSignal();
        signal.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
