using Microsoft.Extensions.Logging;
using Shim.Client;
using Shim.Controllers.Endpoints;
using Shim.Controllers.Runtime;
using Shim.Model.Core.V1;
using EndpointSliceKind = Shim.Model.Discovery.V1.EndpointSlice;

namespace Shim.Controllers.EndpointSlices;

/// <summary>
/// Keeps discovery.k8s.io/v1 EndpointSlices for every Service with a selector, as upstream's endpointslice
/// controller: slices named generateName "service-", labelled kubernetes.io/service-name and managed-by
/// endpointslice-controller.k8s.io (plus the service's labels), owned by the service, at most
/// <see cref="DefaultMaxEndpointsPerSlice"/> endpoints each, updated incrementally by
/// <see cref="EndpointSliceReconciler"/>. Slices managed by anyone else (for example the agents' kube-dns slices)
/// and services without selector are never touched; slices of a deleted service go with it through their owner
/// reference (garbage collector).
/// </summary>
public sealed class EndpointSliceController
{
    public const string ControllerName = "endpointslice-controller.k8s.io";

    /// <summary>Upstream's --max-endpoints-per-slice default.</summary>
    public const int DefaultMaxEndpointsPerSlice = 100;

    /// <summary>Upstream's endpointSliceChangeMinSyncDelay: slice events are batched before the service is synced again.</summary>
    private static readonly TimeSpan SliceChangeSyncDelay = TimeSpan.FromSeconds(1);

    private readonly EventRecorder _events;
    private readonly ILogger _logger;
    private readonly Informer<Service> _services;
    private readonly Informer<Pod> _pods;
    private readonly Informer<Node> _nodes;
    private readonly Informer<EndpointSliceKind> _slices;
    private readonly WorkQueue _queue;
    private readonly TriggerTimeTracker _triggerTimes = new();
    private readonly EndpointSliceTracker _tracker;
    private readonly EndpointSliceReconciler _reconciler;

    public EndpointSliceController(KubeClient client, SharedInformers informers, EventRecorder events, TimeProvider time, ILoggerFactory loggers,
        int maxEndpointsPerSlice = DefaultMaxEndpointsPerSlice)
    {
        ArgumentNullException.ThrowIfNull(informers);
        ArgumentNullException.ThrowIfNull(loggers);
        _events = events;
        _logger = loggers.CreateLogger<EndpointSliceController>();
        // Upstream backs off from 1s: a failing service should not hammer the API server with slice writes.
        _queue = new WorkQueue(time, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        _tracker = new EndpointSliceTracker(time);
        _services = informers.Get<Service>();
        _pods = informers.Get<Pod>();
        _nodes = informers.Get<Node>();
        _slices = informers.Get<EndpointSliceKind>();
        _reconciler = new EndpointSliceReconciler(client, _nodes, _tracker, maxEndpointsPerSlice, ControllerName);

        _services.OnChange(service => _queue.Add(Informer<Service>.KeyOf(service)));
        _pods.OnAdd(pod => EnqueueAll(PodServiceMembership.Of(_services.List(), pod)));
        _pods.OnUpdate((old, pod) => EnqueueAll(PodServiceMembership.OnUpdate(_services.List(), old, pod)));
        _pods.OnDelete(pod => EnqueueAll(PodServiceMembership.Of(_services.List(), pod)));
        _slices.OnAdd(SliceAdded);
        _slices.OnUpdate(SliceUpdated);
        _slices.OnDelete(SliceDeleted);
    }

    public Task RunAsync(CancellationToken cancellationToken) =>
        new ControllerLoop("endpointslice", _queue, SyncAsync, _logger).RunAsync([_services.Synced, _pods.Synced, _nodes.Synced, _slices.Synced], cancellationToken);

    private static bool Managed(EndpointSliceKind slice) =>
        slice.Metadata?.Labels?.GetValueOrDefault(EndpointSliceLabels.ManagedBy) == ControllerName;

    private void EnqueueAll(IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            _queue.Add(key);
        }
    }

    private void EnqueueServiceOf(EndpointSliceKind slice) =>
        _queue.AddAfter(EndpointSliceTracker.ServiceKeyOf(slice), SliceChangeSyncDelay);

    /// <summary>Only slices changed by someone else matter; the echo of the controller's own write does not.</summary>
    private void SliceAdded(EndpointSliceKind slice)
    {
        if (Managed(slice) && _tracker.ShouldSync(slice))
        {
            EnqueueServiceOf(slice);
        }
    }

    private void SliceUpdated(EndpointSliceKind old, EndpointSliceKind slice)
    {
        var serviceName = slice.Metadata?.Labels?.GetValueOrDefault(EndpointSliceLabels.ServiceName);
        if (serviceName != old.Metadata?.Labels?.GetValueOrDefault(EndpointSliceLabels.ServiceName))
        {
            EnqueueServiceOf(slice);
            EnqueueServiceOf(old);
            return;
        }

        if (Managed(old) && !Managed(slice))
        {
            // Taken over by someone else: no longer ours to wait for.
            _tracker.HandleDeletion(slice);
        }

        if (Managed(old) != Managed(slice) || (Managed(slice) && _tracker.ShouldSync(slice)))
        {
            EnqueueServiceOf(slice);
        }
    }

    /// <summary>
    /// A managed slice deleted by someone else is recreated. Upstream looks only at slices it tracks; an untracked
    /// one (say, deleted by hand after a controller restart) is resynced here too.
    /// </summary>
    private void SliceDeleted(EndpointSliceKind slice)
    {
        if (Managed(slice) && !_tracker.HandleDeletion(slice))
        {
            EnqueueServiceOf(slice);
        }
    }

    private async Task SyncAsync(string key, CancellationToken cancellationToken)
    {
        var service = _services.Get(key);
        if (service is null)
        {
            // Its slices go with it through their owner reference.
            _triggerTimes.Forget(key);
            _tracker.Forget(key);
            return;
        }

        if (service.Spec?.Type == "ExternalName" || service.Spec?.Selector is null)
        {
            return;
        }

        var pods = ServicePods.Selected(service, _pods.List());
        var slices = _slices.List()
            .Where(s => s.Metadata?.Namespace == service.Metadata?.Namespace && Managed(s)
                        && s.Metadata?.Labels?.GetValueOrDefault(EndpointSliceLabels.ServiceName) == service.Metadata?.Name
                        && s.Metadata?.DeletionTimestamp is null)
            .OrderBy(s => s.Metadata?.Name, StringComparer.Ordinal)
            .ToList();
        if (_tracker.IsStale(key, slices))
        {
            // The cache does not show our last writes yet: syncing now could duplicate slices. Look again shortly.
            _queue.AddAfter(key, TimeSpan.FromMilliseconds(100));
            return;
        }

        // Computed on every sync so the tracker's state stays current even when nothing is written.
        var triggerTime = _triggerTimes.Compute(service, pods);
        try
        {
            await _reconciler.ReconcileAsync(service, pods, slices, triggerTime, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ApiError or InvalidOperationException)
        {
            _events.Record(Reference(service), "Warning", "FailedToUpdateEndpointSlices",
                $"Error updating Endpoint Slices for Service {service.Metadata!.Namespace}/{service.Metadata.Name}: {e.Message}");
            throw;
        }
    }

    private static ObjectReference Reference(Service service) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Namespace = service.Metadata?.Namespace,
        Name = service.Metadata?.Name,
        Uid = service.Metadata?.Uid,
        ResourceVersion = service.Metadata?.ResourceVersion,
    };
}
