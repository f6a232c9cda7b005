using Microsoft.Extensions.Logging;
using Shim.Client;
using Shim.Controllers.Runtime;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;
using EndpointsKind = Shim.Model.Core.V1.Endpoints;

namespace Shim.Controllers.Endpoints;

/// <summary>
/// Keeps a core/v1 Endpoints object, named like the service, for every Service with a selector, as upstream's
/// endpoint controller: the selected pods' IPs grouped by the ports they serve, ready pods in addresses and the
/// others in notReadyAddresses (all in addresses with publishNotReadyAddresses, which also keeps terminating pods).
/// Labels are the service's plus endpoints.kubernetes.io/managed-by (and service.kubernetes.io/headless without a
/// cluster IP). Writes only when subsets or labels changed; deletes the Endpoints when the service is gone.
/// Services without selector (their Endpoints are someone else's) and ExternalName services are left alone.
/// </summary>
public sealed class EndpointsController
{
    public const string ManagedByLabel = "endpoints.kubernetes.io/managed-by";
    public const string ControllerName = "endpoint-controller";
    public const string HeadlessLabel = "service.kubernetes.io/headless";
    public const string OverCapacityAnnotation = "endpoints.kubernetes.io/over-capacity";

    private readonly KubeClient _client;
    private readonly EventRecorder _events;
    private readonly ILogger _logger;
    private readonly Informer<Service> _services;
    private readonly Informer<Pod> _pods;
    private readonly Informer<EndpointsKind> _endpoints;
    private readonly WorkQueue _queue;
    private readonly TriggerTimeTracker _triggerTimes = new();
    private readonly WrittenVersions _written;

    public EndpointsController(KubeClient client, SharedInformers informers, EventRecorder events, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(informers);
        ArgumentNullException.ThrowIfNull(loggers);
        _client = client;
        _events = events;
        _logger = loggers.CreateLogger<EndpointsController>();
        _queue = new WorkQueue(time);
        _written = new WrittenVersions(time);
        _services = informers.Get<Service>();
        _pods = informers.Get<Pod>();
        _endpoints = informers.Get<EndpointsKind>();

        _services.OnChange(service => _queue.Add(Informer<Service>.KeyOf(service)));
        _pods.OnAdd(pod => EnqueueAll(PodServiceMembership.Of(_services.List(), pod)));
        _pods.OnUpdate((old, pod) => EnqueueAll(PodServiceMembership.OnUpdate(_services.List(), old, pod)));
        _pods.OnDelete(pod => EnqueueAll(PodServiceMembership.Of(_services.List(), pod)));
        _endpoints.OnDelete(endpoints =>
        {
            // Deleted by someone: recreated if its service still wants it.
            var key = Informer<EndpointsKind>.KeyOf(endpoints);
            _written.Forget(key);
            _queue.Add(key);
        });

        // Upstream's checkLeftoverEndpoints: our Endpoints whose service went away while no controller was running.
        _endpoints.OnListed(all =>
        {
            foreach (var endpoints in all.Where(e => e.Metadata?.Labels?.GetValueOrDefault(ManagedByLabel) == ControllerName))
            {
                _queue.Add(Informer<EndpointsKind>.KeyOf(endpoints));
            }
        });
    }

    public Task RunAsync(CancellationToken cancellationToken) =>
        new ControllerLoop("endpoint", _queue, SyncAsync, _logger).RunAsync([_services.Synced, _pods.Synced, _endpoints.Synced], cancellationToken);

    private void EnqueueAll(IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            _queue.Add(key);
        }
    }

    private async Task SyncAsync(string key, CancellationToken cancellationToken)
    {
        var service = _services.Get(key);
        if (service is null)
        {
            var (ns, name) = Split(key);
            await _client.DeleteAsync(ResourcePath.For<EndpointsKind>(ns, name), null, cancellationToken).ConfigureAwait(false);
            _triggerTimes.Forget(key);
            _written.Forget(key);
            return;
        }

        if (service.Spec?.Type == "ExternalName" || service.Spec?.Selector is null)
        {
            return;
        }

        var current = _endpoints.Get(key);
        if (_written.IsStale(key, current?.Metadata?.ResourceVersion, current is not null))
        {
            // Our own last write is not in the cache yet: look again once it is.
            _queue.AddAfter(key, TimeSpan.FromMilliseconds(100));
            return;
        }

        var pods = ServicePods.Selected(service, _pods.List());
        // Computed on every sync that gets this far, so the tracker's state stays current even when nothing is written.
        var triggerTime = _triggerTimes.Compute(service, pods);
        var subsets = EndpointSubsets.For(service, pods);
        var truncated = EndpointSubsets.Truncate(subsets);
        var labels = DesiredLabels(service);
        var overCapacityMarked = current?.Metadata?.Annotations?.ContainsKey(OverCapacityAnnotation) == true;
        if (current is not null && EndpointSubsets.AreEqual(current.Subsets, subsets) && SameLabels(current.Metadata?.Labels, labels) && overCapacityMarked == truncated)
        {
            return;
        }

        var desired = current is null
            ? new EndpointsKind { Metadata = new ObjectMeta { Name = service.Metadata!.Name, Namespace = service.Metadata.Namespace } }
            : ModelCopy.Of(current);
        desired.Subsets = subsets;
        desired.Metadata!.Labels = labels;
        var annotations = desired.Metadata.Annotations ?? new Dictionary<string, string>(StringComparer.Ordinal);
        SetOrRemove(annotations, TriggerTimeTracker.Annotation, triggerTime is { } t ? TriggerTimeTracker.Format(t) : null);
        SetOrRemove(annotations, OverCapacityAnnotation, truncated ? "truncated" : null);
        desired.Metadata.Annotations = annotations.Count > 0 ? annotations : null;
        await WriteAsync(key, service, desired, create: current is null, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteAsync(string key, Service service, EndpointsKind desired, bool create, CancellationToken cancellationToken)
    {
        var meta = desired.Metadata!;
        try
        {
            var written = create
                ? await _client.CreateAsync(ResourcePath.For<EndpointsKind>(meta.Namespace), desired, cancellationToken).ConfigureAwait(false)
                : await _client.ReplaceAsync(ResourcePath.For<EndpointsKind>(meta.Namespace, meta.Name), desired, cancellationToken).ConfigureAwait(false);
            _written.Record(key, written.Metadata?.ResourceVersion);
        }
        catch (ApiError e) when (create && IsNamespaceTerminating(e))
        {
            // Creates keep failing in a terminating namespace; the namespace controller removes everything anyway.
        }
        catch (ApiError e)
        {
            var reference = new ObjectReference { ApiVersion = "v1", Kind = "Endpoints", Namespace = meta.Namespace, Name = meta.Name, Uid = meta.Uid };
            var (reason, message) = create
                ? ("FailedToCreateEndpoint", $"Failed to create endpoint for service {service.Metadata!.Namespace}/{service.Metadata.Name}: {e.Message}")
                : ("FailedToUpdateEndpoint", $"Failed to update endpoint {service.Metadata!.Namespace}/{service.Metadata.Name}: {e.Message}");
            _events.Record(reference, "Warning", reason, message);
            throw;
        }
    }

    private static Dictionary<string, string> DesiredLabels(Service service)
    {
        var labels = new Dictionary<string, string>(service.Metadata?.Labels ?? [], StringComparer.Ordinal);
        if (ServicePods.IsServiceIpSet(service))
        {
            labels.Remove(HeadlessLabel);
        }
        else
        {
            labels[HeadlessLabel] = "";
        }

        labels[ManagedByLabel] = ControllerName;
        return labels;
    }

    internal static bool IsNamespaceTerminating(ApiError error) =>
        error.Code == 403 && error.Status.Details?.Causes?.Any(c => c.Reason == "NamespaceTerminating") == true;

    private static void SetOrRemove(Dictionary<string, string> annotations, string key, string? value)
    {
        if (value is null)
        {
            annotations.Remove(key);
        }
        else
        {
            annotations[key] = value;
        }
    }

    private static bool SameLabels(Dictionary<string, string>? current, Dictionary<string, string> desired) =>
        (current?.Count ?? 0) == desired.Count && desired.All(kv => current!.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static (string Namespace, string Name) Split(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return (key[..slash], key[(slash + 1)..]);
    }
}
