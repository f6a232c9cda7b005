using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Shim.Client;

namespace Shim.Controllers.GarbageCollector;

/// <summary>
/// An informer for any discovered resource, typed or not: list, then watch from the list's resourceVersion, relisting
/// on 410 or a broken watch (and reporting what vanished meanwhile as deleted). It keeps only apiVersion, kind and
/// metadata of each object, like upstream's metadata informers, because the garbage collector needs nothing else.
/// Handlers run on the informer's loop, one event at a time.
/// </summary>
public sealed partial class DynamicInformer(KubeClient client, ApiResource resource, ILogger logger)
{
    private readonly Dictionary<string, JsonObject> _cache = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Action<JsonObject>> _onAdd = [];
    private readonly List<Action<JsonObject, JsonObject>> _onUpdate = [];
    private readonly List<Action<JsonObject>> _onDelete = [];
    private string _resourceVersion = "";

    public ApiResource Resource => resource;

    /// <summary>Completes once the first list has been delivered.</summary>
    public Task Synced => _synced.Task;

    public void OnAdd(Action<JsonObject> handler) => _onAdd.Add(handler);

    public void OnUpdate(Action<JsonObject, JsonObject> handler) => _onUpdate.Add(handler);

    public void OnDelete(Action<JsonObject> handler) => _onDelete.Add(handler);

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
                LogRetry(logger, resource.ToString(), e.Message);
                var delay = TimeSpan.FromMilliseconds(Math.Min(200 * Math.Pow(2, Math.Min(failures, 6)), 10_000));
                try
                {
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ListAsync(CancellationToken cancellationToken)
    {
        var list = await client.ListAsync<JsonObject>(resource.Path(), ListQuery.All, cancellationToken).ConfigureAwait(false);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list.Items)
        {
            seen.Add(KeyOf(item));
            Apply("ADDED", item);
        }

        foreach (var (key, gone) in _cache.ToList())
        {
            if (!seen.Contains(key))
            {
                _cache.Remove(key);
                Notify(() => _onDelete.ForEach(h => h(gone)));
            }
        }

        _resourceVersion = list.ResourceVersion;
        _synced.TrySetResult();
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await foreach (var e in client.WatchAsync<JsonObject>(resource.Path(), ListQuery.All, _resourceVersion, cancellationToken).ConfigureAwait(false))
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
                    _resourceVersion = rv;
                }
            }
        }
    }

    private void Apply(string type, JsonObject item)
    {
        var slim = Slim(item);
        var key = KeyOf(slim);
        if (type == "DELETED")
        {
            if (_cache.Remove(key))
            {
                Notify(() => _onDelete.ForEach(h => h(slim)));
            }

            return;
        }

        if (_cache.TryGetValue(key, out var old))
        {
            if (Str(old, "resourceVersion") == Str(slim, "resourceVersion"))
            {
                return;
            }

            _cache[key] = slim;
            Notify(() => _onUpdate.ForEach(h => h(old, slim)));
        }
        else
        {
            _cache[key] = slim;
            Notify(() => _onAdd.ForEach(h => h(slim)));
        }
    }

    /// <summary>apiVersion, kind and metadata only; list items carry no apiVersion/kind, so they come from discovery.</summary>
    private JsonObject Slim(JsonObject item) => new()
    {
        ["apiVersion"] = resource.ApiVersion,
        ["kind"] = resource.Kind,
        ["metadata"] = item["metadata"]?.DeepClone() ?? new JsonObject(),
    };

    private static string KeyOf(JsonObject item) =>
        Str(item, "namespace") is { Length: > 0 } ns ? $"{ns}/{Str(item, "name")}" : Str(item, "name") ?? "";

    private static string? Str(JsonObject item, string field) => item["metadata"]?[field]?.GetValue<string>();

    private void Notify(Action action)
    {
        try
        {
            action();
        }
#pragma warning disable CA1031 // A faulty handler is logged; the cache must stay consistent.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogHandlerFailed(logger, resource.ToString(), e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "informer {Resource}: {Error}; retrying")]
    private static partial void LogRetry(ILogger logger, string resource, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "informer {Resource}: an event handler failed")]
    private static partial void LogHandlerFailed(ILogger logger, string resource, Exception exception);
}
