using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Shim.Client;
using Shim.Controllers.Runtime;
using Shim.Model.Meta.V1;

namespace Shim.Controllers.GarbageCollector;

/// <summary>
/// Deletes objects whose owners are all gone and carries out the orphan and foreground deletion the API server only
/// records as finalizers, as upstream's garbage collector: it discovers every resource that supports list, watch and
/// delete, watches them untyped into an owner→dependents graph, and works through two queues of uids.
/// Decisions are always checked against the live API (the graph may be behind), and every delete carries a uid
/// precondition, so an object recreated under the same name is never collected for its predecessor.
/// </summary>
public sealed partial class GarbageCollector : IDisposable
{
    /// <summary>How often resources are discovered again (new kinds get watched, vanished ones dropped), as upstream.</summary>
    public static readonly TimeSpan DiscoveryPeriod = TimeSpan.FromSeconds(30);

    /// <summary>How soon an owner that exists but no informer has delivered yet is looked at again.</summary>
    private static readonly TimeSpan UnobservedRecheck = TimeSpan.FromSeconds(1);

    /// <summary>Upstream's default ignored resources: events are never owners worth tracking.</summary>
    private static readonly HashSet<(string Group, string Resource)> Ignored = [("", "events"), ("events.k8s.io", "events")];

    private readonly KubeClient _client;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly ResourceDiscovery _discovery;
    private readonly WorkQueue _attemptToDelete;
    private readonly WorkQueue _attemptToOrphan;
    private readonly AbsentOwnerCache _absentOwners = new(500);
    private readonly DependencyGraph _graph;
    private readonly Dictionary<(string Group, string Resource), Monitor> _monitors = [];
    private volatile ServerResources _resources = new([], [], []);

    public GarbageCollector(KubeClient client, TimeProvider time, ILoggerFactory loggers)
    {
        _client = client;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<GarbageCollector>();
        _discovery = new ResourceDiscovery(client.Credentials);
        _attemptToDelete = new WorkQueue(time);
        _attemptToOrphan = new WorkQueue(time);
        _graph = new DependencyGraph(_attemptToDelete, _attemptToOrphan, _absentOwners);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await DiscoverAsync(firstTime: true, cancellationToken).ConfigureAwait(false);
            var synced = _monitors.Values.Select(m => m.Informer.Synced).ToList();
            var deleting = new ControllerLoop("garbagecollector", _attemptToDelete, AttemptToDeleteAsync, _logger).RunAsync(synced, cancellationToken);
            var orphaning = new ControllerLoop("garbagecollector-orphan", _attemptToOrphan, AttemptToOrphanAsync, _logger).RunAsync(synced, cancellationToken);
            await Task.WhenAll(deleting, orphaning, RediscoverAsync(cancellationToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            foreach (var monitor in _monitors.Values)
            {
                await monitor.StopAsync().ConfigureAwait(false);
            }

            _monitors.Clear();
        }
    }

    public void Dispose() => _discovery.Dispose();

    private async Task RediscoverAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(DiscoveryPeriod, _time, cancellationToken).ConfigureAwait(false);
            await DiscoverAsync(firstTime: false, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Starts a monitor for each new deletable resource and stops those no longer served. The first time, retries until discovery answers.</summary>
    private async Task DiscoverAsync(bool firstTime, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                _resources = await _discovery.DiscoverAsync(cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (ApiError e)
            {
                LogDiscoveryFailed(_logger, e.Message);
                if (!firstTime)
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 10)), _time, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var failure in _resources.Failures)
        {
            LogDiscoveryFailed(_logger, failure);
        }

        var wanted = _resources.Preferred
            .Where(r => r.Supports("delete", "list", "watch") && !Ignored.Contains((r.Group, r.Resource)))
            .ToDictionary(r => (r.Group, r.Resource));
        foreach (var (key, monitor) in _monitors.ToList())
        {
            if (!wanted.TryGetValue(key, out var resource) || resource.Version != monitor.Informer.Resource.Version)
            {
                _monitors.Remove(key);
                await monitor.StopAsync().ConfigureAwait(false);
            }
        }

        foreach (var (key, resource) in wanted)
        {
            if (!_monitors.ContainsKey(key))
            {
                _monitors[key] = StartMonitor(resource, cancellationToken);
            }
        }
    }

    private Monitor StartMonitor(ApiResource resource, CancellationToken cancellationToken)
    {
        var informer = new DynamicInformer(_client, resource, _loggers.CreateLogger("informer.gc." + resource.GroupResource));
        informer.OnAdd(o => _graph.Observe(null, o));
        informer.OnUpdate(_graph.Observe);
        informer.OnDelete(_graph.Removed);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        return new Monitor(informer, stop, informer.RunAsync(stop.Token));
    }

    private async Task AttemptToDeleteAsync(string uid, CancellationToken cancellationToken)
    {
        if (_graph.Snapshot(uid) is not { } item)
        {
            return;
        }

        bool verifiedAbsent;
        try
        {
            verifiedAbsent = await AttemptToDeleteItemAsync(item, cancellationToken).ConfigureAwait(false);
        }
        catch (NamespacedOwnerException)
        {
            // A cluster-scoped object naming a namespaced owner: invalid, and no retry will change that.
            LogInvalidOwner(_logger, item.Identity.ToString());
            return;
        }

        if (!verifiedAbsent && _graph.Snapshot(uid) is { Observed: false })
        {
            // It exists but its informer has not delivered it: look again, so a node added and removed while a watch
            // was re-established cannot stay in the graph forever.
            _attemptToDelete.AddAfter(uid, UnobservedRecheck);
        }
    }

    /// <summary>Returns true when the item turned out not to exist (and left the graph).</summary>
    private async Task<bool> AttemptToDeleteItemAsync(NodeSnapshot item, CancellationToken cancellationToken)
    {
        // Being deleted is a one-way trip: its dependents are looked at once it is gone.
        if (item.BeingDeleted && !item.DeletingDependents)
        {
            return false;
        }

        var latest = await GetAsync(item.Identity, cancellationToken).ConfigureAwait(false);
        if (latest is null || Uid(latest) != item.Identity.Uid)
        {
            _graph.VirtualDelete(item.Identity);
            return true;
        }

        if (item.DeletingDependents)
        {
            await ProcessDeletingDependentsAsync(item, cancellationToken).ConfigureAwait(false);
            return false;
        }

        var references = OwnerRef.AllOf(latest);
        if (references.Count == 0)
        {
            return false;
        }

        var (solid, dangling, waiting) = await ClassifyAsync(item.Identity, references, cancellationToken).ConfigureAwait(false);
        if (solid.Count > 0)
        {
            if (dangling.Count + waiting.Count > 0)
            {
                // Owners that are gone, or that wait for their dependents to go, are dropped; the living owner keeps it.
                var drop = dangling.Concat(waiting).Select(r => r.Uid).ToHashSet(StringComparer.Ordinal);
                LogDroppingReferences(_logger, item.Identity.ToString(), string.Join(", ", drop));
                await EditOwnerReferencesAsync(item.Identity, r => drop.Contains(Str(r, "uid") ?? "") ? null : r, cancellationToken).ConfigureAwait(false);
            }

            return false;
        }

        if (waiting.Count > 0 && item.Dependents.Count > 0)
        {
            if (item.Dependents.Any(d => d.DeletingDependents))
            {
                // A possible cycle of foreground deletions: stop blocking the owners, then go in the foreground too.
                await EditOwnerReferencesAsync(item.Identity, Unblock, cancellationToken).ConfigureAwait(false);
            }

            await DeleteAsync(item.Identity, "Foreground", cancellationToken).ConfigureAwait(false);
            return false;
        }

        var policy = HasFinalizer(latest, DependencyGraph.OrphanFinalizer) ? "Orphan"
            : HasFinalizer(latest, DependencyGraph.ForegroundFinalizer) ? "Foreground"
            : "Background";
        await DeleteAsync(item.Identity, policy, cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <summary>A foreground deletion finishes once no dependent blocks it; until then its blocking dependents are pushed along.</summary>
    private async Task ProcessDeletingDependentsAsync(NodeSnapshot item, CancellationToken cancellationToken)
    {
        var blocking = item.Dependents.Where(d => d.BlocksOwner).ToList();
        if (blocking.Count == 0)
        {
            await RemoveFinalizerAsync(item.Identity, DependencyGraph.ForegroundFinalizer, cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (var dependent in blocking.Where(d => !d.DeletingDependents))
        {
            _attemptToDelete.Add(dependent.Identity.Uid);
        }
    }

    /// <summary>Removes the owner from every dependent's ownerReferences, then its orphan finalizer, so it can go alone.</summary>
    private async Task AttemptToOrphanAsync(string uid, CancellationToken cancellationToken)
    {
        if (_graph.Snapshot(uid) is not { } owner)
        {
            return;
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(owner.Dependents, options, async (dependent, ct) =>
            await EditOwnerReferencesAsync(dependent.Identity, r => Str(r, "uid") == uid ? null : r, ct).ConfigureAwait(false)).ConfigureAwait(false);
        await RemoveFinalizerAsync(owner.Identity, DependencyGraph.OrphanFinalizer, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(List<OwnerRef> Solid, List<OwnerRef> Dangling, List<OwnerRef> Waiting)> ClassifyAsync(ObjectIdentity item, IReadOnlyList<OwnerRef> references, CancellationToken cancellationToken)
    {
        var solid = new List<OwnerRef>();
        var dangling = new List<OwnerRef>();
        var waiting = new List<OwnerRef>();
        foreach (var reference in references)
        {
            var owner = await LiveOwnerAsync(item, reference, cancellationToken).ConfigureAwait(false);
            if (owner is null)
            {
                dangling.Add(reference);
            }
            else if (owner["metadata"]?["deletionTimestamp"] is not null && HasFinalizer(owner, DependencyGraph.ForegroundFinalizer))
            {
                waiting.Add(reference);
            }
            else
            {
                solid.Add(reference);
            }
        }

        return (solid, dangling, waiting);
    }

    /// <summary>The owner a reference names, read from the API; null when absent or when the name now has another uid.</summary>
    private async Task<JsonObject?> LiveOwnerAsync(ObjectIdentity item, OwnerRef reference, CancellationToken cancellationToken)
    {
        var resource = _resources.Find(reference.ApiVersion, reference.Kind)
            ?? throw new UnknownKindException($"{item}: no served resource for owner kind {reference.Kind} in {reference.ApiVersion}");
        if (item.Namespace.Length == 0 && resource.Namespaced)
        {
            throw new NamespacedOwnerException();
        }

        var owner = ObjectIdentity.OwnerOf(reference, resource.Namespaced ? item.Namespace : "");
        if (_absentOwners.Contains(owner))
        {
            return null;
        }

        var live = await _client.GetAsync<JsonObject>(resource.Path(owner.Namespace, owner.Name), cancellationToken).ConfigureAwait(false);
        if (live is null || Uid(live) != reference.Uid)
        {
            _absentOwners.Add(owner);
            return null;
        }

        return live;
    }

    private async Task<JsonObject?> GetAsync(ObjectIdentity identity, CancellationToken cancellationToken) =>
        await _client.GetAsync<JsonObject>(Resource(identity).Path(identity.Namespace, identity.Name), cancellationToken).ConfigureAwait(false);

    private async Task DeleteAsync(ObjectIdentity identity, string policy, CancellationToken cancellationToken)
    {
        LogDeleting(_logger, identity.ToString(), policy);
        var options = new DeleteOptions { PropagationPolicy = policy, Preconditions = new Preconditions { Uid = identity.Uid } };
        await _client.DeleteAsync(Resource(identity).Path(identity.Namespace, identity.Name), options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Rewrites the object's ownerReferences entry by entry (<paramref name="edit"/> returns null to drop one), as a merge
    /// patch pinned to the resourceVersion it read, re-reading on conflict. Gone objects need nothing.
    /// </summary>
    private async Task EditOwnerReferencesAsync(ObjectIdentity identity, Func<JsonObject, JsonObject?> edit, CancellationToken cancellationToken)
    {
        await UpdateMetadataAsync(identity, meta =>
        {
            var before = (meta["ownerReferences"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
            var after = before.Select(r => edit((JsonObject)r.DeepClone())).OfType<JsonObject>().ToList();
            if (after.Count == before.Count && after.Zip(before).All(p => JsonNode.DeepEquals(p.First, p.Second)))
            {
                return null;
            }

            return new JsonObject { ["ownerReferences"] = after.Count == 0 ? null : new JsonArray([.. after]) };
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task RemoveFinalizerAsync(ObjectIdentity identity, string finalizer, CancellationToken cancellationToken)
    {
        await UpdateMetadataAsync(identity, meta =>
        {
            var finalizers = (meta["finalizers"] as JsonArray)?.Select(f => f?.GetValue<string>() ?? "").ToList() ?? [];
            if (!finalizers.Remove(finalizer))
            {
                return null;
            }

            LogRemovingFinalizer(_logger, finalizer, identity.ToString());
            return new JsonObject { ["finalizers"] = finalizers.Count == 0 ? null : new JsonArray([.. finalizers.Select(f => JsonValue.Create(f))]) };
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the object, asks <paramref name="change"/> for a metadata patch (null: nothing to do) and applies it at that resourceVersion.</summary>
    private async Task UpdateMetadataAsync(ObjectIdentity identity, Func<JsonObject, JsonObject?> change, CancellationToken cancellationToken)
    {
        var path = Resource(identity).Path(identity.Namespace, identity.Name);
        const int attempts = 5;
        for (var attempt = 1; ; attempt++)
        {
            var latest = await _client.GetAsync<JsonObject>(path, cancellationToken).ConfigureAwait(false);
            if (latest is null || Uid(latest) != identity.Uid || latest["metadata"] is not JsonObject meta || change(meta) is not { } patch)
            {
                return;
            }

            patch["resourceVersion"] = Str(meta, "resourceVersion");
            try
            {
                var body = new JsonObject { ["metadata"] = patch }.ToJsonString();
                await _client.PatchAsync<JsonObject>(path, KubeClient.MergePatch, body, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (ApiError e) when (e.IsNotFound)
            {
                return;
            }
            catch (ApiError e) when (e.IsConflict && attempt < attempts)
            {
                // Someone else wrote in between: read again.
            }
        }
    }

    private ApiResource Resource(ObjectIdentity identity) =>
        _resources.Find(identity.ApiVersion, identity.Kind) ?? throw new UnknownKindException($"no served resource for {identity}");

    private static JsonObject Unblock(JsonObject reference)
    {
        if (reference["blockOwnerDeletion"]?.GetValue<bool>() == true)
        {
            reference["blockOwnerDeletion"] = false;
        }

        return reference;
    }

    private static string? Uid(JsonObject obj) => obj["metadata"]?["uid"]?.GetValue<string>();

    private static string? Str(JsonObject obj, string field) => obj[field]?.GetValue<string>();

    private static bool HasFinalizer(JsonObject obj, string finalizer) =>
        (obj["metadata"]?["finalizers"] as JsonArray)?.Any(f => f?.GetValue<string>() == finalizer) ?? false;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Garbage collector: discovery failed: {Error}")]
    private static partial void LogDiscoveryFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Garbage collector: deleting {Item} (propagation {Policy})")]
    private static partial void LogDeleting(ILogger logger, string item, string policy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Garbage collector: removing finalizer {Finalizer} from {Item}")]
    private static partial void LogRemovingFinalizer(ILogger logger, string finalizer, string item);

    [LoggerMessage(Level = LogLevel.Information, Message = "Garbage collector: {Item} keeps a living owner; dropping references to {Owners}")]
    private static partial void LogDroppingReferences(ILogger logger, string item, string owners);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Garbage collector: cluster-scoped {Item} refers to a namespaced owner; ignored")]
    private static partial void LogInvalidOwner(ILogger logger, string item);

    /// <summary>One watched resource: its informer and how to stop it.</summary>
    private sealed record Monitor(DynamicInformer Informer, CancellationTokenSource Stop, Task Running)
    {
        public async Task StopAsync()
        {
            await Stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await Running.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped as asked.
            }

            Stop.Dispose();
        }
    }

    /// <summary>Marks the one invalid reference no retry can fix: a cluster-scoped dependent naming a namespaced owner.</summary>
    private sealed class NamespacedOwnerException : Exception
    {
    }
}
