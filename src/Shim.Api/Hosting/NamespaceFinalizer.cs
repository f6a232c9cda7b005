using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Shim.Api.Errors;
using Shim.Api.Json;
using Shim.Api.Registry;
using Shim.Api.Watch;

namespace Shim.Api.Hosting;

/// <summary>
/// Empties terminating namespaces and then removes their "kubernetes" finalizer, so the namespace goes.
/// Interim: it works on the registry in-process; with the controller runtime it becomes an API client like the others.
/// </summary>
public sealed class NamespaceFinalizer(GenericRegistry registry, WatchCacheHub hub, TimeProvider clock) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await hub.Ready.WaitAsync(stoppingToken).ConfigureAwait(false);
        var namespaces = registry.Resources.Get("", "namespaces");
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var (snapshot, _) = hub.CacheFor(namespaces).Current();
            foreach (var ns in snapshot.Values.Where(n => n.Object.At("metadata", "deletionTimestamp") is not null))
            {
                try
                {
                    await FinalizeAsync(ns.Name, stoppingToken).ConfigureAwait(false);
                }
                catch (ApiException)
                {
                    // Conflicts and races with other writers: the next pass tries again.
                }
            }
        }
    }

    private async Task FinalizeAsync(string ns, CancellationToken cancellationToken)
    {
        var remaining = 0;
        foreach (var def in registry.Resources.All.Where(d => d.Namespaced))
        {
            var (snapshot, _) = hub.CacheFor(def).Current();
            foreach (var o in snapshot.InNamespace(ns).Select(p => p.Value))
            {
                remaining++;
                if (o.Object.At("metadata", "deletionTimestamp") is null)
                {
                    await registry.DeleteAsync(def, ns, o.Name, DeleteOptions.Default with { Propagation = PropagationPolicy.Background }, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        if (remaining > 0)
        {
            return;
        }

        var namespaces = registry.Resources.Get("", "namespaces");
        await registry.UpdateAsync(namespaces, null, ns, Subresource.Trusted, dryRun: false, current =>
        {
            current.Metadata().Remove("resourceVersion");
            if (current["spec"] is JsonObject spec && spec["finalizers"] is JsonArray finalizers)
            {
                spec["finalizers"] = new JsonArray(finalizers.Where(f => f?.ToString() != "kubernetes").Select(f => f?.DeepClone()).ToArray());
            }

            return current;
        }, cancellationToken).ConfigureAwait(false);
    }
}
