using Shim.Api.Resources;

namespace Shim.Api.Watch;

/// <summary>
/// The watch cache of one resource: the current objects as an immutable sorted map (so a LIST holds a consistent
/// snapshot for free), a bounded history of recent events with the snapshot after each (for watch resume and
/// for paging over a past revision), and the open watchers.
/// </summary>
public sealed class ResourceCache
{
    private readonly Lock _gate = new();
    private readonly int _historyCapacity;
    private readonly Queue<(WatchEvent Event, Snapshot After)> _history = new();
    private readonly List<Watcher> _watchers = [];
    private Snapshot _current = Snapshot.Empty;
    private Snapshot _base;
    private long _historyStart;
    private long _lastApplied;

    private readonly Func<long> _hubRevision;

    public ResourceCache(ResourceDefinition definition, int historyCapacity, Func<long> hubRevision)
    {
        _hubRevision = hubRevision;
        Definition = definition;
        _historyCapacity = historyCapacity;
        _base = _current;
    }

    public ResourceDefinition Definition { get; }

    public int WatcherCount
    {
        get
        {
            lock (_gate)
            {
                return _watchers.Count;
            }
        }
    }

    /// <summary>Replaces the whole state (initial fill or relist after falling behind compaction); open watches end.</summary>
    internal void Reset(IEnumerable<CachedObject> objects, long revision)
    {
        lock (_gate)
        {
            _current = Snapshot.From(objects);
            _base = _current;
            _historyStart = revision;
            _history.Clear();
            foreach (var w in _watchers)
            {
                w.Close();
            }

            _watchers.Clear();
        }
    }

    internal void Apply(WatchEvent e)
    {
        lock (_gate)
        {
            _lastApplied = e.Revision;
            var key = e.Object!.Key;
            _current = e.Type == WatchEventType.Deleted ? _current.Remove(key) : _current.SetItem(key, e.Object);
            _history.Enqueue((e, _current));
            while (_history.Count > _historyCapacity)
            {
                var (old, after) = _history.Dequeue();
                _base = after;
                _historyStart = old.Revision;
            }

            foreach (var w in _watchers)
            {
                w.Offer(e);
            }

            _watchers.RemoveAll(w => w.Events.Completion.IsCompleted);
        }
    }

    internal void Bookmark(long revision)
    {
        lock (_gate)
        {
            // Never bookmark behind an event this cache has already sent.
            revision = Math.Max(revision, _lastApplied);
            foreach (var w in _watchers)
            {
                w.OfferBookmark(revision);
            }
        }
    }

    public CachedObject? Get(string key)
    {
        lock (_gate)
        {
            return _current.GetValueOrDefault(key);
        }
    }

    /// <summary>The current objects and the revision they are the state of.</summary>
    public (Snapshot Snapshot, long Revision) Current()
    {
        lock (_gate)
        {
            return (_current, Math.Max(_hubRevision(), _lastApplied));
        }
    }

    /// <summary>The state as of <paramref name="revision"/>, or null when that is older than the retained history.</summary>
    public Snapshot? SnapshotAt(long revision)
    {
        lock (_gate)
        {
            if (revision < _historyStart)
            {
                return null;
            }

            var result = _base;
            foreach (var (e, after) in _history)
            {
                if (e.Revision > revision)
                {
                    break;
                }

                result = after;
            }

            return result;
        }
    }

    /// <summary>
    /// Registers a watcher. With <paramref name="fromRevision"/> null the watcher first receives the current
    /// objects as ADDED; otherwise the retained events after that revision. Returns null when that revision is
    /// older than the retained history (the caller answers 410 Gone).
    /// </summary>
    public Watcher? Watch(ObjectFilter filter, long? fromRevision, bool bookmarks)
    {
        lock (_gate)
        {
            var watcher = new Watcher(filter, bookmarks) { StartRevision = fromRevision ?? Math.Max(_hubRevision(), _lastApplied) };
            if (fromRevision is null)
            {
                foreach (var o in Scan(_current, filter))
                {
                    watcher.Initial.Add(new WatchEvent(WatchEventType.Added, o.Revision, o, null));
                }
            }
            else
            {
                if (fromRevision < _historyStart)
                {
                    return null;
                }

                foreach (var (e, _) in _history)
                {
                    if (e.Revision > fromRevision && Watcher.Translate(e, filter) is { } translated)
                    {
                        watcher.Initial.Add(translated);
                    }
                }
            }

            _watchers.Add(watcher);
            return watcher;
        }
    }

    public void Unwatch(Watcher watcher)
    {
        lock (_gate)
        {
            _watchers.Remove(watcher);
        }

        watcher.Close();
    }

    /// <summary>Objects of a snapshot matching a filter, in key order, starting after <paramref name="afterKey"/>.</summary>
    public static IEnumerable<CachedObject> Scan(Snapshot snapshot, ObjectFilter filter, string? afterKey = null)
    {
        var prefix = filter.Definition.NamespacePrefix(filter.Namespace);
        var name = filter.Fields.RequiredValue("metadata.name");
        if (name is not null && (filter.Namespace is not null || !filter.Definition.Namespaced))
        {
            // One object by name: a direct lookup instead of a scan.
            if (snapshot.TryGetValue(filter.Definition.Key(filter.Namespace, name), out var single) && filter.Matches(single)
                && (afterKey is null || string.CompareOrdinal(single.Key, afterKey) > 0))
            {
                yield return single;
            }

            yield break;
        }

        // A namespaced list reads only its namespace's bucket.
        var source = filter.Definition.Namespaced && filter.Namespace is not null ? snapshot.InNamespace(filter.Namespace) : snapshot;
        foreach (var (key, o) in source)
        {
            if (afterKey is not null && string.CompareOrdinal(key, afterKey) <= 0)
            {
                continue;
            }

            if (!key.StartsWith(prefix, StringComparison.Ordinal))
            {
                if (string.CompareOrdinal(key, prefix) > 0)
                {
                    yield break;
                }

                continue;
            }

            if (filter.Matches(o))
            {
                yield return o;
            }
        }
    }
}
