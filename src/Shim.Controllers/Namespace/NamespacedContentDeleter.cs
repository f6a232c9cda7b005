using System.Text.Json.Nodes;
using Shim.Client;
using Shim.Controllers.GarbageCollector;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;
using NamespaceObject = Shim.Model.Core.V1.Namespace;

namespace Shim.Controllers.Namespace;

/// <summary>
/// Deletes everything in a terminating namespace, resource by resource (deletecollection where served, else one by
/// one; always with background propagation so the garbage collector adds no orphan finalizer), then lists what is left.
/// Returns how many seconds to wait before looking again (0: nothing left that is worth waiting for), as upstream's
/// namespaced resources deleter.
/// </summary>
public sealed class NamespacedContentDeleter(KubeClient client, ResourceDiscovery discovery, TimeProvider time)
{
    /// <summary>Upstream's assumption of how long finalizers on remaining items take.</summary>
    public const long FinalizerEstimateSeconds = 15;

    private static readonly Dictionary<string, int> None = [];

    private static readonly DeleteOptions Background = new() { PropagationPolicy = "Background" };

    /// <summary>Deletes all content of <paramref name="ns"/>; updates its conditions; throws when some resource failed.</summary>
    public async Task<long> DeleteAllContentAsync(NamespaceObject ns, CancellationToken cancellationToken)
    {
        var name = ns.Metadata!.Name!;
        var conditions = new NamespaceConditionUpdater(time);
        var errors = new List<string>();
        IReadOnlyList<ApiResource> resources;
        try
        {
            var discovered = await discovery.DiscoverAsync(cancellationToken).ConfigureAwait(false);
            resources = discovered.Preferred;
            if (discovered.Failures.Count > 0)
            {
                // Not fatal: what was discovered is still deleted.
                var message = $"unable to retrieve the complete list of server APIs: {string.Join(", ", discovered.Failures)}";
                errors.Add(message);
                conditions.DiscoveryFailed($"Discovery failed for some groups, {discovered.Failures.Count} failing: {message}");
            }
        }
        catch (ApiError e)
        {
            resources = [];
            errors.Add(e.Message);
            conditions.DiscoveryFailed(e.Message);
        }

        var estimate = 0L;
        var remaining = new Dictionary<string, int>(StringComparer.Ordinal);
        var finalizers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var resource in resources.Where(r => r.Namespaced && r.Supports("delete")))
        {
            var result = await DeleteResourceAsync(resource, name, ns.Metadata.DeletionTimestamp ?? time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            if (result.Error is not null)
            {
                errors.Add(result.Error);
                conditions.ContentDeletionFailed(result.Error);
            }

            estimate = Math.Max(estimate, result.EstimateSeconds);
            if (result.Remaining > 0)
            {
                remaining[resource.GroupResource] = result.Remaining;
                foreach (var (finalizer, count) in result.Finalizers)
                {
                    finalizers[finalizer] = finalizers.GetValueOrDefault(finalizer) + count;
                }
            }
        }

        conditions.Remaining(remaining, finalizers);
        ns.Status ??= new NamespaceStatus();
        if (conditions.Update(ns.Status))
        {
            try
            {
                await client.ReplaceAsync(ResourcePath.For<NamespaceObject>(name: name, subresource: "status"), ns, cancellationToken).ConfigureAwait(false);
            }
            catch (ApiError)
            {
                // Conditions are informative; the next pass writes them again.
            }
        }

        if (errors.Count > 0)
        {
            throw new ApiError($"namespace {name}: {string.Join("; ", errors)}");
        }

        return estimate;
    }

    private async Task<ResourceResult> DeleteResourceAsync(ApiResource resource, string ns, DateTimeOffset deletedAt, CancellationToken cancellationToken)
    {
        long estimate = 0;
        try
        {
            if (resource.Group.Length == 0 && resource.Resource == "pods")
            {
                estimate = await PodGracePeriodAsync(ns, cancellationToken).ConfigureAwait(false);
                if (time.GetUtcNow() - deletedAt >= TimeSpan.FromSeconds(estimate))
                {
                    estimate = 0;
                }
            }

            if (!resource.Supports("deletecollection") || !await DeleteCollectionAsync(resource, ns, cancellationToken).ConfigureAwait(false))
            {
                await DeleteEachAsync(resource, ns, cancellationToken).ConfigureAwait(false);
            }

            if (!resource.Supports("list"))
            {
                return new ResourceResult(estimate, 0, None, null);
            }

            var left = await client.ListAsync<JsonObject>(resource.Path(ns), ListQuery.All, cancellationToken).ConfigureAwait(false);
            if (left.Items.Count == 0)
            {
                return new ResourceResult(0, 0, None, null);
            }

            var finalizers = left.Items
                .SelectMany(i => (i["metadata"]?["finalizers"] as JsonArray)?.Select(f => f?.GetValue<string>() ?? "") ?? [])
                .GroupBy(f => f, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            if (estimate != 0)
            {
                return new ResourceResult(estimate, left.Items.Count, finalizers, null);
            }

            if (finalizers.Count > 0)
            {
                return new ResourceResult(FinalizerEstimateSeconds, left.Items.Count, finalizers, null);
            }

            // Nothing holds them back, yet they are still there: something went wrong.
            return new ResourceResult(0, left.Items.Count, finalizers,
                $"unexpected items still remain in namespace: {ns} for gvr: {resource.Group}/{resource.Version}, Resource={resource.Resource}");
        }
        catch (ApiError e)
        {
            return new ResourceResult(estimate, 0, None, e.Message);
        }
    }

    /// <summary>False when the server turns out not to serve deletecollection here after all.</summary>
    private async Task<bool> DeleteCollectionAsync(ApiResource resource, string ns, CancellationToken cancellationToken)
    {
        try
        {
            return await client.DeleteAsync(resource.Path(ns), Background, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiError e) when (e.Code == 405)
        {
            return false;
        }
    }

    private async Task DeleteEachAsync(ApiResource resource, string ns, CancellationToken cancellationToken)
    {
        if (!resource.Supports("list"))
        {
            return;
        }

        var items = await client.ListAsync<JsonObject>(resource.Path(ns), ListQuery.All, cancellationToken).ConfigureAwait(false);
        foreach (var item in items.Items)
        {
            var name = item["metadata"]?["name"]?.GetValue<string>();
            if (name is null)
            {
                continue;
            }

            try
            {
                await client.DeleteAsync(resource.Path(ns, name), Background, cancellationToken).ConfigureAwait(false);
            }
            catch (ApiError e) when (e.Code == 405)
            {
                // Not deletable after all: nothing to do for it.
            }
        }
    }

    /// <summary>The longest grace period among pods still running: how long their graceful deletion may take.</summary>
    private async Task<long> PodGracePeriodAsync(string ns, CancellationToken cancellationToken)
    {
        var pods = await client.ListAsync<Pod>(ResourcePath.For<Pod>(ns), ListQuery.All, cancellationToken).ConfigureAwait(false);
        return pods.Items
            .Where(p => p.Status?.Phase is not ("Succeeded" or "Failed"))
            .Select(p => p.Spec?.TerminationGracePeriodSeconds ?? 0)
            .DefaultIfEmpty(0)
            .Max();
    }

    private sealed record ResourceResult(long EstimateSeconds, int Remaining, IReadOnlyDictionary<string, int> Finalizers, string? Error);
}
