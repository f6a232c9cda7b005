using Microsoft.Extensions.Logging;
using Shim.Client;
using Shim.Controllers.GarbageCollector;
using Shim.Controllers.Runtime;
using NamespaceObject = Shim.Model.Core.V1.Namespace;

namespace Shim.Controllers.Namespace;

/// <summary>
/// Empties terminating namespaces, as upstream's namespace controller: once a namespace has a deletionTimestamp it
/// is marked Terminating, everything in it is deleted (pods gracefully; their node agent finishes them), and when
/// nothing is left the "kubernetes" finalizer comes off spec.finalizers through the finalize subresource, which lets
/// the API server remove the namespace.
/// </summary>
public sealed partial class NamespaceController : IDisposable
{
    public const string KubernetesFinalizer = "kubernetes";

    private readonly KubeClient _client;
    private readonly Informer<NamespaceObject> _namespaces;
    private readonly WorkQueue _queue;
    private readonly ResourceDiscovery _discovery;
    private readonly NamespacedContentDeleter _deleter;
    private readonly ILogger _logger;

    public NamespaceController(KubeClient client, SharedInformers informers, TimeProvider time, ILoggerFactory loggers)
    {
        _client = client;
        _logger = loggers.CreateLogger<NamespaceController>();
        _queue = new WorkQueue(time);
        _discovery = new ResourceDiscovery(client.Credentials);
        _deleter = new NamespacedContentDeleter(client, _discovery, time);
        _namespaces = informers.Get<NamespaceObject>();
        _namespaces.OnAdd(Enqueue);
        _namespaces.OnUpdate((_, ns) => Enqueue(ns));
    }

    public Task RunAsync(CancellationToken cancellationToken) =>
        new ControllerLoop("namespace", _queue, SyncAsync, _logger).RunAsync([_namespaces.Synced], cancellationToken);

    public void Dispose() => _discovery.Dispose();

    private void Enqueue(NamespaceObject ns)
    {
        if (ns.Metadata?.DeletionTimestamp is not null)
        {
            _queue.Add(ns.Metadata.Name!);
        }
    }

    private async Task SyncAsync(string name, CancellationToken cancellationToken)
    {
        if (_namespaces.Get(null, name)?.Metadata?.DeletionTimestamp is null)
        {
            return;
        }

        // Several writers touch a terminating namespace: work from its latest state, not the cache.
        var path = ResourcePath.For<NamespaceObject>(name: name);
        var ns = await _client.GetAsync<NamespaceObject>(path, cancellationToken).ConfigureAwait(false);
        if (ns?.Metadata?.DeletionTimestamp is null)
        {
            return;
        }

        ns = await MarkTerminatingAsync(ns, cancellationToken).ConfigureAwait(false);
        if (ns?.Metadata?.DeletionTimestamp is null || ns.Spec?.Finalizers is not { Count: > 0 })
        {
            return;
        }

        var estimate = await _deleter.DeleteAllContentAsync(ns, cancellationToken).ConfigureAwait(false);
        if (estimate > 0)
        {
            // Content is going away gracefully: look again in about half the time it may take, as upstream.
            var wait = TimeSpan.FromSeconds((estimate / 2) + 1);
            LogContentRemaining(_logger, name, wait.TotalSeconds);
            _queue.AddAfter(name, wait);
            return;
        }

        await FinalizeAsync(ns, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets status.phase Terminating when the API server has not already (it normally has).</summary>
    private async Task<NamespaceObject?> MarkTerminatingAsync(NamespaceObject ns, CancellationToken cancellationToken)
    {
        var name = ns.Metadata!.Name!;
        while (ns.Status?.Phase != "Terminating")
        {
            ns.Status ??= new Model.Core.V1.NamespaceStatus();
            ns.Status.Phase = "Terminating";
            try
            {
                return await _client.ReplaceAsync(ResourcePath.For<NamespaceObject>(name: name, subresource: "status"), ns, cancellationToken).ConfigureAwait(false);
            }
            catch (ApiError e) when (e.IsConflict)
            {
                if (await LatestSameAsync(ns, cancellationToken).ConfigureAwait(false) is not { } latest)
                {
                    return null;
                }

                ns = latest;
            }
            catch (ApiError e) when (e.IsNotFound)
            {
                return null;
            }
        }

        return ns;
    }

    /// <summary>Removes our finalizer from spec.finalizers through namespaces/{name}/finalize; conflicts are retried on a fresh read.</summary>
    private async Task FinalizeAsync(NamespaceObject ns, CancellationToken cancellationToken)
    {
        var name = ns.Metadata!.Name!;
        while (true)
        {
            ns.Spec!.Finalizers = ns.Spec.Finalizers!.Where(f => f != KubernetesFinalizer).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            try
            {
                await _client.ReplaceAsync(ResourcePath.For<NamespaceObject>(name: name, subresource: "finalize"), ns, cancellationToken).ConfigureAwait(false);
                LogFinalized(_logger, name);
                return;
            }
            catch (ApiError e) when (e.IsNotFound)
            {
                return;
            }
            catch (ApiError e) when (e.IsConflict)
            {
                if (await LatestSameAsync(ns, cancellationToken).ConfigureAwait(false) is not { Spec.Finalizers: not null } latest)
                {
                    return;
                }

                ns = latest;
            }
        }
    }

    /// <summary>The namespace as stored now; an error if the name now belongs to another namespace (uid changed).</summary>
    private async Task<NamespaceObject?> LatestSameAsync(NamespaceObject ns, CancellationToken cancellationToken)
    {
        var latest = await _client.GetAsync<NamespaceObject>(ResourcePath.For<NamespaceObject>(name: ns.Metadata!.Name), cancellationToken).ConfigureAwait(false);
        if (latest is not null && latest.Metadata?.Uid != ns.Metadata.Uid)
        {
            throw new ApiError($"namespace {ns.Metadata.Name}: uid has changed across retries");
        }

        return latest;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Namespace {Namespace}: content remaining, looking again in {Seconds} s")]
    private static partial void LogContentRemaining(ILogger logger, string @namespace, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Namespace {Namespace} is empty; removed the kubernetes finalizer")]
    private static partial void LogFinalized(ILogger logger, string @namespace);
}
