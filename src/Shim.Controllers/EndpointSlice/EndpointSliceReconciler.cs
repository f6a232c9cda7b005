using Shim.Client;
using Shim.Controllers.Endpoints;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;
using EndpointPort = Shim.Model.Discovery.V1.EndpointPort;
using EndpointSliceKind = Shim.Model.Discovery.V1.EndpointSlice;

namespace Shim.Controllers.EndpointSlices;

/// <summary>
/// Turns a service's selected pods and its current slices into the writes that make the slices match, as upstream's
/// endpointslice Reconciler: per address type, pods are grouped by the ports they resolve, each group is packed by
/// <see cref="SlicePacking"/>, slices of port sets nobody uses any more are deleted (turned into updates when a
/// new slice is needed anyway), and a service without endpoints keeps one empty placeholder slice.
/// </summary>
public sealed class EndpointSliceReconciler(KubeClient client, Informer<Node> nodes, EndpointSliceTracker tracker, int maxEndpointsPerSlice, string controllerName)
{
    public async Task ReconcileAsync(Service service, List<Pod> pods, List<EndpointSliceKind> existing, DateTimeOffset? triggerTime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(existing);
        var errors = new List<string>();
        var addressTypes = SliceEndpoints.AddressTypes(service);
        foreach (var addressType in addressTypes)
        {
            try
            {
                var ofType = existing.Where(s => s.AddressType == addressType).ToList();
                errors.AddRange(await ReconcileAddressTypeAsync(service, pods, ofType, triggerTime, addressType, cancellationToken).ConfigureAwait(false));
            }
            catch (ApiError e)
            {
                errors.Add(e.Message);
            }
        }

        foreach (var slice in existing.Where(s => !addressTypes.Contains(s.AddressType ?? "")))
        {
            try
            {
                await DeleteAsync(slice, cancellationToken).ConfigureAwait(false);
            }
            catch (ApiError e)
            {
                errors.Add($"error deleting {slice.Metadata?.Name} EndpointSlice: {e.Message}");
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join("; ", errors));
        }
    }

    /// <summary>Reconciles the slices of one address type; returns the problems that did not stop it (pods on unknown nodes).</summary>
    private async Task<List<string>> ReconcileAddressTypeAsync(Service service, List<Pod> pods, List<EndpointSliceKind> existing, DateTimeOffset? triggerTime,
        string addressType, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var changes = SliceChanges.None();
        var existingByPorts = new Dictionary<string, List<EndpointSliceKind>>(StringComparer.Ordinal);
        foreach (var slice in existing)
        {
            if (SlicePacking.OwnedBy(slice, service))
            {
                var key = SliceEndpoints.PortsKey(slice.Ports);
                (existingByPorts.TryGetValue(key, out var group) ? group : existingByPorts[key] = []).Add(slice);
            }
            else
            {
                // Left by an earlier service of the same name: the garbage collector would remove it too.
                changes.Delete.Add(slice);
            }
        }

        var desiredByPorts = new Dictionary<string, (List<EndpointPort> Ports, DesiredEndpoints Endpoints)>(StringComparer.Ordinal);
        foreach (var pod in pods.Where(p => ServicePods.ShouldBeInEndpoints(p, includeTerminating: true)))
        {
            var ports = SliceEndpoints.PortsFor(service, pod);
            var key = SliceEndpoints.PortsKey(ports);
            if (!desiredByPorts.TryGetValue(key, out var group))
            {
                group = desiredByPorts[key] = (ports, new DesiredEndpoints());
            }

            var node = string.IsNullOrEmpty(pod.Spec?.NodeName) ? null : nodes.Get(pod.Spec.NodeName);
            if (node is null && service.Spec?.PublishNotReadyAddresses != true)
            {
                // Left out for now and retried: the node may not be in the cache yet, or the pod is about to be collected.
                problems.Add($"skipping Pod {pod.Metadata?.Name} for Service {service.Metadata?.Namespace}/{service.Metadata?.Name}: Node {pod.Spec?.NodeName} Not Found");
                continue;
            }

            var endpoint = SliceEndpoints.For(pod, node, service, addressType);
            if (endpoint.Addresses is { Count: > 0 })
            {
                group.Endpoints.Add(endpoint);
            }
        }

        foreach (var (key, group) in desiredByPorts)
        {
            var current = existingByPorts.GetValueOrDefault(key) ?? [];
            changes.Add(SlicePacking.Plan(service, current, group.Endpoints, group.Ports, addressType, maxEndpointsPerSlice, controllerName));
        }

        foreach (var (key, slices) in existingByPorts)
        {
            if (!desiredByPorts.ContainsKey(key))
            {
                changes.Delete.AddRange(slices);
            }
        }

        // A service without endpoints still gets one empty slice, so consumers can tell "no endpoints" from "not synced".
        if (existing.Count == changes.Delete.Count && changes.Create.Count == 0)
        {
            var placeholder = SlicePacking.NewSlice(service, [], addressType, controllerName);
            if (changes.Delete.Count == 1 && IsSamePlaceholder(changes.Delete[0], placeholder, service))
            {
                changes.Delete.Clear();
            }
            else
            {
                changes.Create.Add(placeholder);
            }
        }

        await ApplyAsync(service, changes, triggerTime, cancellationToken).ConfigureAwait(false);
        return problems;
    }

    /// <summary>Writes the changes; a slice about to be deleted is reused for a slice about to be created (one update instead of two writes).</summary>
    private async Task ApplyAsync(Service service, SliceChanges changes, DateTimeOffset? triggerTime, CancellationToken cancellationToken)
    {
        for (var i = 0; i < changes.Delete.Count && changes.Create.Count > 0;)
        {
            var recycled = changes.Delete[i];
            var created = changes.Create[^1];
            if (recycled.AddressType == created.AddressType && SlicePacking.OwnedBy(recycled, service))
            {
                created.Metadata!.Name = recycled.Metadata!.Name;
                created.Metadata.ResourceVersion = recycled.Metadata.ResourceVersion;
                changes.Create.RemoveAt(changes.Create.Count - 1);
                changes.Update.Add(created);
                changes.Delete.RemoveAt(i);
            }
            else
            {
                i++;
            }
        }

        // No new slices for a service being deleted: the garbage collector would race to remove them.
        if (service.Metadata?.DeletionTimestamp is null)
        {
            foreach (var slice in changes.Create)
            {
                SetTriggerTime(slice, triggerTime);
                try
                {
                    tracker.Update(await client.CreateAsync(ResourcePath.For<EndpointSliceKind>(slice.Metadata!.Namespace), slice, cancellationToken).ConfigureAwait(false));
                }
                catch (ApiError e) when (EndpointsController.IsNamespaceTerminating(e))
                {
                    return;
                }
            }
        }

        foreach (var slice in changes.Update)
        {
            SetTriggerTime(slice, triggerTime);
            var path = ResourcePath.For<EndpointSliceKind>(slice.Metadata!.Namespace, slice.Metadata.Name);
            tracker.Update(await client.ReplaceAsync(path, slice, cancellationToken).ConfigureAwait(false));
        }

        foreach (var slice in changes.Delete)
        {
            await DeleteAsync(slice, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DeleteAsync(EndpointSliceKind slice, CancellationToken cancellationToken)
    {
        var path = ResourcePath.For<EndpointSliceKind>(slice.Metadata!.Namespace, slice.Metadata.Name);
        var options = new DeleteOptions { Preconditions = new Preconditions { Uid = slice.Metadata.Uid } };
        await client.DeleteAsync(path, options, cancellationToken).ConfigureAwait(false);
        tracker.ExpectDeletion(slice);
    }

    private static void SetTriggerTime(EndpointSliceKind slice, DateTimeOffset? triggerTime)
    {
        var annotations = slice.Metadata!.Annotations ?? new Dictionary<string, string>(StringComparer.Ordinal);
        if (triggerTime is { } time)
        {
            annotations[TriggerTimeTracker.Annotation] = TriggerTimeTracker.Format(time);
        }
        else
        {
            annotations.Remove(TriggerTimeTracker.Annotation);
        }

        slice.Metadata.Annotations = annotations.Count > 0 ? annotations : null;
    }

    /// <summary>
    /// Upstream's placeholderSliceCompare (same namespace, labels and address type, neither ports nor endpoints), and
    /// owned by this service: a placeholder left by an earlier service of the same name is replaced, not kept.
    /// </summary>
    private static bool IsSamePlaceholder(EndpointSliceKind slice, EndpointSliceKind placeholder, Service service)
    {
        var labels = slice.Metadata?.Labels ?? [];
        var wanted = placeholder.Metadata!.Labels!;
        return SlicePacking.OwnedBy(slice, service) && slice.Metadata?.Namespace == placeholder.Metadata.Namespace
            && labels.Count == wanted.Count && wanted.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value)
            && slice.AddressType == placeholder.AddressType
            && (slice.Ports?.Count ?? 0) == 0 && (slice.Endpoints?.Count ?? 0) == 0;
    }
}
