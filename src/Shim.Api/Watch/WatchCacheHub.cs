using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shim.Api.Resources;
using Shim.Storage;

namespace Shim.Api.Watch;

/// <summary>
/// Feeds every resource's watch cache from one watch on the store: a consistent list of everything at revision R,
/// then the ordered events after R, each dispatched to the cache owning its key prefix. Reads wait on
/// <see cref="WaitForRevisionAsync"/> so a LIST reflects every acknowledged write.
/// </summary>
public sealed partial class WatchCacheHub : BackgroundService
{
    public const int HistoryCapacity = 10_000;
    private static readonly TimeSpan BookmarkInterval = TimeSpan.FromSeconds(5);

    private readonly IStore _store;
    private readonly ILogger<WatchCacheHub> _logger;
    private readonly Dictionary<string, ResourceCache> _byPrefix = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _revision;

    public WatchCacheHub(IStore store, ResourceRegistry registry, ILogger<WatchCacheHub> logger)
    {
        _store = store;
        _logger = logger;
        foreach (var d in registry.All)
        {
            _byPrefix[d.KeyPrefix] = new ResourceCache(d, HistoryCapacity, () => Revision);
        }
    }

    /// <summary>The revision up to which every cache has applied the store's events.</summary>
    public long Revision => Volatile.Read(ref _revision);

    public Task Ready => _ready.Task;

    public ResourceCache CacheFor(ResourceDefinition definition) => _byPrefix[definition.KeyPrefix];

    /// <summary>Waits until the caches have applied <paramref name="revision"/>; false on timeout.</summary>
    public async Task<bool> WaitForRevisionAsync(long revision, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (Revision >= revision)
        {
            return true;
        }

        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            while (Revision < revision)
            {
                var advanced = Volatile.Read(ref _advanced).Task;
                if (Revision >= revision)
                {
                    break;
                }

                await advanced.WaitAsync(timer.Token).ConfigureAwait(false);
            }

            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>A consistent read: waits until the caches hold every write the store has acknowledged.</summary>
    public async Task<long> SyncAsync(CancellationToken cancellationToken)
    {
        var revision = await _store.CurrentRevisionAsync(cancellationToken).ConfigureAwait(false);
        if (!await WaitForRevisionAsync(revision, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false))
        {
            throw new Errors.ApiException(504, "Timeout", $"Timeout: the watch cache did not reach revision {revision} in time", retryAfterSeconds: 1);
        }

        return Math.Max(revision, Revision);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var bookmarks = new PeriodicTimer(BookmarkInterval);
        var bookmarkLoop = SendBookmarksAsync(bookmarks, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            var snapshot = await _store.ListAsync("/", stoppingToken).ConfigureAwait(false);
            Fill(snapshot);
            _ready.TrySetResult();
            try
            {
                await foreach (var e in _store.WatchAsync("/", snapshot.Revision, stoppingToken).ConfigureAwait(false))
                {
                    Dispatch(e);
                }
            }
            catch (RevisionCompactedException ex)
            {
                LogRelist(ex.Requested, ex.Compacted);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }

        await bookmarkLoop.ConfigureAwait(false);
    }

    private void Fill(StoreSnapshot snapshot)
    {
        var grouped = snapshot.Entries
            .Select(e => (Cache: CacheOf(e.Key), Entry: e))
            .Where(x => x.Cache is not null)
            .GroupBy(x => x.Cache!)
            .ToDictionary(g => g.Key, g => g.Select(x => CachedObject.FromStored(x.Entry.Key, x.Entry.Value, x.Entry.ModRevision)).ToList());
        foreach (var cache in _byPrefix.Values)
        {
            cache.Reset(grouped.GetValueOrDefault(cache) ?? [], snapshot.Revision);
        }

        Advance(snapshot.Revision);
        LogFilled(snapshot.Entries.Count, snapshot.Revision);
    }

    private void Dispatch(StoreEvent e)
    {
        var cache = CacheOf(e.Entry.Key);
        if (cache is not null)
        {
            var previous = cache.Get(e.Entry.Key);
            WatchEvent change;
            if (e.Type == StoreEventType.Delete)
            {
                var last = previous ?? CachedObject.FromStored(e.Entry.Key, e.Entry.Value, e.Entry.ModRevision);
                change = new WatchEvent(WatchEventType.Deleted, e.Revision, last.AtRevision(e.Revision), null);
            }
            else
            {
                var current = CachedObject.FromStored(e.Entry.Key, e.Entry.Value, e.Revision);
                change = new WatchEvent(previous is null ? WatchEventType.Added : WatchEventType.Modified, e.Revision, current, previous);
            }

            cache.Apply(change);
        }

        Advance(e.Revision);
    }

    private void Advance(long revision)
    {
        Volatile.Write(ref _revision, revision);
        var signal = Interlocked.Exchange(ref _advanced, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        signal.TrySetResult();
    }

    private ResourceCache? CacheOf(string key)
    {
        // Keys are /group/resource/...: the prefix is everything up to the third slash.
        var second = key.IndexOf('/', 1);
        if (second < 0)
        {
            return null;
        }

        var third = key.IndexOf('/', second + 1);
        return third < 0 ? null : _byPrefix.GetValueOrDefault(key[..(third + 1)]);
    }

    private async Task SendBookmarksAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var revision = Revision;
                foreach (var cache in _byPrefix.Values)
                {
                    cache.Bookmark(revision);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Watch cache filled with {Count} objects at revision {Revision}")]
    private partial void LogFilled(int count, long revision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watch cache fell behind compaction (needed {Requested}, compacted {Compacted}); relisting")]
    private partial void LogRelist(long requested, long compacted);
}
