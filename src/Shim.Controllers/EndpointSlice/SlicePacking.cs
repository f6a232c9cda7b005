using Shim.Controllers.Runtime;
using Shim.Model.Core.V1;
using Shim.Model.Discovery.V1;
using Shim.Model.Meta.V1;
using EndpointPort = Shim.Model.Discovery.V1.EndpointPort;
using EndpointSliceKind = Shim.Model.Discovery.V1.EndpointSlice;

namespace Shim.Controllers.EndpointSlices;

/// <summary>
/// Decides, for one group of slices sharing a port set, which slices to create, update and delete, as upstream's
/// reconcileByPortMapping. The aim is few writes rather than tidy slices: an endpoint stays in the slice it is in
/// (updated in place when its conditions change), a slice is written only if its endpoints or labels changed, new
/// endpoints first fill slices that are written anyway, then one unchanged slice they all fit in (the closest fit),
/// and only then new slices.
/// </summary>
public static class SlicePacking
{
    public static SliceChanges Plan(Service service, IReadOnlyList<EndpointSliceKind> existing, DesiredEndpoints desired, List<EndpointPort> ports,
        string addressType, int maxEndpointsPerSlice, string controllerName)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(desired);
        var unchanged = new List<EndpointSliceKind>();
        var updated = new List<EndpointSliceKind>();
        var deleted = new List<EndpointSliceKind>();

        // 1. Keep the wanted endpoints where they are, in their desired version; drop the others.
        foreach (var slice in existing)
        {
            var kept = new List<Endpoint>();
            var endpointChanged = false;
            foreach (var endpoint in slice.Endpoints ?? [])
            {
                if (desired.Take(endpoint) is { } wanted)
                {
                    kept.Add(wanted);
                    endpointChanged |= !SliceEndpoints.EqualBeyondIdentity(wanted, endpoint);
                }
            }

            var (labels, labelsChanged) = EndpointSliceLabels.For(slice, service, controllerName);
            if (endpointChanged || kept.Count != (slice.Endpoints?.Count ?? 0))
            {
                if (kept.Count == 0)
                {
                    deleted.Add(slice);
                    continue;
                }

                var copy = ModelCopy.Of(slice);
                copy.Endpoints = kept;
                copy.Metadata!.Labels = labels;
                updated.Add(copy);
            }
            else if (labelsChanged)
            {
                var copy = ModelCopy.Of(slice);
                copy.Metadata!.Labels = labels;
                updated.Add(copy);
            }
            else
            {
                unchanged.Add(slice);
            }
        }

        var rest = desired.TakeRest();

        // 2. Slices written anyway take new endpoints first, the fullest first.
        foreach (var slice in updated.OrderByDescending(s => s.Endpoints!.Count))
        {
            Fill(slice, rest, maxEndpointsPerSlice);
        }

        // 3. The rest goes into the unchanged slice it fits best in, if it fits in one; else into new slices.
        var created = new List<EndpointSliceKind>();
        while (rest.Count > 0)
        {
            var target = rest.Count < maxEndpointsPerSlice ? ClosestFit(unchanged, rest.Count, maxEndpointsPerSlice) : null;
            if (target is null)
            {
                target = NewSlice(service, ports, addressType, controllerName);
                created.Add(target);
            }
            else
            {
                unchanged.Remove(target);
                target = ModelCopy.Of(target);
                updated.Add(target);
            }

            Fill(target, rest, maxEndpointsPerSlice);
        }

        return new SliceChanges(created, updated, deleted);
    }

    /// <summary>An empty slice of the service for the given ports and address type (upstream's newEndpointSlice).</summary>
    public static EndpointSliceKind NewSlice(Service service, List<EndpointPort> ports, string addressType, string controllerName)
    {
        ArgumentNullException.ThrowIfNull(service);
        var slice = new EndpointSliceKind
        {
            Metadata = new ObjectMeta
            {
                GenerateName = service.Metadata!.Name + "-",
                Namespace = service.Metadata.Namespace,
                OwnerReferences = [OwnerReferences.ControllerReference(service)],
            },
            AddressType = addressType,
            Ports = ports,
            Endpoints = [],
        };
        slice.Metadata.Labels = EndpointSliceLabels.For(slice, service, controllerName).Labels;
        return slice;
    }

    public static bool OwnedBy(EndpointSliceKind slice, Service service) =>
        slice.Metadata?.OwnerReferences?.Any(o => o.Uid == service.Metadata?.Uid && o.Kind == "Service" && o.ApiVersion == "v1") == true;

    private static void Fill(EndpointSliceKind slice, Queue<Endpoint> rest, int maxEndpointsPerSlice)
    {
        slice.Endpoints ??= [];
        while (rest.Count > 0 && slice.Endpoints.Count < maxEndpointsPerSlice)
        {
            slice.Endpoints.Add(rest.Dequeue());
        }
    }

    /// <summary>The slice that would be closest to full after taking <paramref name="count"/> endpoints (upstream's getSliceToFill).</summary>
    private static EndpointSliceKind? ClosestFit(List<EndpointSliceKind> slices, int count, int maxEndpointsPerSlice)
    {
        EndpointSliceKind? best = null;
        var bestSpare = maxEndpointsPerSlice;
        foreach (var slice in slices)
        {
            var spare = maxEndpointsPerSlice - (count + (slice.Endpoints?.Count ?? 0));
            if (spare >= 0 && spare < bestSpare)
            {
                best = slice;
                bestSpare = spare;
            }
        }

        return best;
    }
}
