using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Shim.Model;

namespace Shim.Client;

/// <summary>
/// Keeps a local cache of one kind (optionally one namespace and selectors): list, then watch from the list's
/// resourceVersion; relist on 410 or a broken watch, emitting deletes for objects that vanished meanwhile. Handlers
/// run on the informer's loop, one event at a time, and should only enqueue work.
/// </summary>
public sealed partial class Informer<T>
    where T : class, IKubernetesKind, IMetadataObject
{
    private readonly KubeClient _client;
    private readonly ResourcePath _path;
    private readonly ListQuery _query;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, T> _cache = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Action<T>> _onAdd = [];
    private readonly List<Action<T, T>> _onUpdate = [];
    private readonly List<Action<T>> _onDelete = [];
    private readonly List<Action<IReadOnlyCollection<T>>> _onListed = [];

    public Informer(KubeClient client, ILogger logger, string? @namespace = null, ListQuery? query = null)
    {
        _client = client;
        _logger = logger;
        _path = ResourcePath.For<T>(@namespace);
        _query = query ?? ListQuery.All;
    }

    /// <summary>Completes once the first list is in the cache.</summary>
    public Task Synced => _synced.Task;

    /// <summary>The resourceVersion the cache reflects.</summary>
    public string ResourceVersion { get; private set; } = "";

    public static string KeyOf(T item) =>
        item.Metadata?.Namespace is { Length: > 0 } ns ? $"{ns}/{item.Metadata.Name}" : item.Metadata?.Name ?? "";

    public void OnAdd(Action<T> handler) => _onAdd.Add(handler);

    public void OnUpdate(Action<T, T> handler) => _onUpdate.Add(handler);

    public void OnDelete(Action<T> handler) => _onDelete.Add(handler);

    /// <summary>Called after every full list (the first and each relist) with the complete cache.</summary>
    public void OnListed(Action<IReadOnlyCollection<T>> handler) => _onListed.Add(handler);

    /// <summary>Adds, updates and deletes all call <paramref name="handler"/> with the object's key.</summary>
    public void OnChange(Action<T> handler)
    {
        OnAdd(handler);
        OnUpdate((_, item) => handler(item));
        OnDelete(handler);
    }

    public T? Get(string key) => _cache.GetValueOrDefault(key);

    public T? Get(string? @namespace, string name) => Get(string.IsNullOrEmpty(@namespace) ? name : $"{@namespace}/{name}");

    public IReadOnlyCollection<T> List() => _cache.Values.ToList();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ListAsync(cancellationToken).ConfigureAwait(false);
                failures = 0;
                await WatchAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A broken list or watch is retried with backoff; the informer must not die.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures++;
                LogRetry(_logger, _path.ToString(), e.Message);
                var delay = TimeSpan.FromMilliseconds(Math.Min(200 * Math.Pow(2, Math.Min(failures, 6)), 10_000));
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ListAsync(CancellationToken cancellationToken)
    {
        var list = await _client.ListAsync<T>(_path, _query, cancellationToken).ConfigureAwait(false);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list.Items)
        {
            var key = KeyOf(item);
            seen.Add(key);
            Apply("ADDED", item);
        }

        foreach (var (key, gone) in _cache.ToList())
        {
            if (!seen.Contains(key) && _cache.TryRemove(key, out _))
            {
                Notify(_onDelete, gone);
            }
        }

        ResourceVersion = list.ResourceVersion;
        var all = List();
        foreach (var handler in _onListed)
        {
            Safely(() => handler(all));
        }

        _synced.TrySetResult();
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        // The server ends every watch after its timeout: continue from the last seen revision until it says 410.
        while (!cancellationToken.IsCancellationRequested)
        {
            await foreach (var e in _client.WatchAsync<T>(_path, _query, ResourceVersion, cancellationToken).ConfigureAwait(false))
            {
                if (e.Type == "ERROR")
                {
                    throw new ApiError(e.Error ?? new Model.Meta.V1.Status { Code = 500, Message = "watch error" });
                }

                if (e.Object is not null)
                {
                    Apply(e.Type, e.Object);
                }

                if (e.ResourceVersion is { Length: > 0 } rv)
                {
                    ResourceVersion = rv;
                }
            }
        }
    }

    private void Apply(string type, T item)
    {
        var key = KeyOf(item);
        if (type == "DELETED")
        {
            if (_cache.TryRemove(key, out _))
            {
                Notify(_onDelete, item);
            }

            return;
        }

        if (_cache.TryGetValue(key, out var old))
        {
            if (old.Metadata?.ResourceVersion == item.Metadata?.ResourceVersion)
            {
                return;
            }

            _cache[key] = item;
            foreach (var handler in _onUpdate)
            {
                Safely(() => handler(old, item));
            }
        }
        else
        {
            _cache[key] = item;
            Notify(_onAdd, item);
        }
    }

    private void Notify(List<Action<T>> handlers, T item)
    {
        foreach (var handler in handlers)
        {
            Safely(() => handler(item));
        }
    }

    private void Safely(Action action)
    {
        try
        {
            action();
        }
#pragma warning disable CA1031 // A faulty handler is logged; the cache must stay consistent for the others.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogHandlerFailed(_logger, _path.ToString(), e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "informer {Path}: {Error}; retrying")]
    private static partial void LogRetry(ILogger logger, string path, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "informer {Path}: an event handler failed")]
    private static partial void LogHandlerFailed(ILogger logger, string path, Exception exception);
}
