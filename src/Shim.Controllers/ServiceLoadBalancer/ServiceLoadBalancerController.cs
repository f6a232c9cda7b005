using Microsoft.Extensions.Logging;
using Shim.Client;
using Shim.Controllers.Runtime;
using Shim.Model.Core.V1;

namespace Shim.Controllers.ServiceLoadBalancer;

/// <summary>
/// A built-in load balancer in the manner of k3s ServiceLB: every Service of type LoadBalancer without
/// loadBalancerClass gets status.loadBalancer.ingress = [{ip: InternalIP, ipMode: VIP}] of every Ready, schedulable
/// node (in address order), kept current as nodes come and go; the nodes' service proxies then carry the traffic.
/// A service whose port and protocol an older LoadBalancer service already uses gets an empty ingress and a Warning
/// event "SyncLoadBalancerFailed" (upstream's reason for a load balancer that could not be set up) naming the
/// holder. A service that stops being a LoadBalancer has its ingress cleared. Status goes through services/status.
/// </summary>
public sealed partial class ServiceLoadBalancerController
{
    public const string ConflictReason = "SyncLoadBalancerFailed";

    /// <summary>
    /// One key for all services: a port conflict makes services depend on each other (deleting the holder frees the
    /// port for the next one), so each sync decides for all of them at once.
    /// </summary>
    private const string AllServices = "load-balancers";

    private readonly KubeClient _client;
    private readonly EventRecorder _events;
    private readonly ILogger _logger;
    private readonly Informer<Service> _services;
    private readonly Informer<Node> _nodes;
    private readonly WorkQueue _queue;
    private readonly Dictionary<string, string> _reportedConflicts = new(StringComparer.Ordinal);

    // Services this controller published ingress for: the API server clears the status of a service whose type
    // changes away from LoadBalancer, and the Deleting/Deleted events must still be recorded for it.
    private readonly HashSet<string> _served = new(StringComparer.Ordinal);

    public ServiceLoadBalancerController(KubeClient client, SharedInformers informers, EventRecorder events, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(informers);
        ArgumentNullException.ThrowIfNull(loggers);
        _client = client;
        _events = events;
        _logger = loggers.CreateLogger<ServiceLoadBalancerController>();
        _queue = new WorkQueue(time);
        _services = informers.Get<Service>();
        _nodes = informers.Get<Node>();

        _services.OnAdd(service => EnqueueIf(Concerns(service)));
        _services.OnUpdate((old, service) => EnqueueIf(LoadBalancerAssignment.IsServed(old) || Concerns(service)));
        _services.OnDelete(service => EnqueueIf(LoadBalancerAssignment.IsServed(service)));
        _nodes.OnAdd(_ => _queue.Add(AllServices));
        _nodes.OnDelete(_ => _queue.Add(AllServices));
        // Nodes report status every few seconds; only a change in what they contribute matters.
        _nodes.OnUpdate((old, node) => EnqueueIf(LoadBalancerAssignment.TakesTraffic(old) != LoadBalancerAssignment.TakesTraffic(node)
            || !LoadBalancerAssignment.InternalIps(old).SequenceEqual(LoadBalancerAssignment.InternalIps(node), StringComparer.Ordinal)));
    }

    public Task RunAsync(CancellationToken cancellationToken) =>
        new ControllerLoop("service-lb", _queue, SyncAsync, _logger).RunAsync([_services.Synced, _nodes.Synced], cancellationToken);

    /// <summary>Served services, and others still showing an ingress that may have to be cleared.</summary>
    private static bool Concerns(Service service) => LoadBalancerAssignment.IsServed(service) || LoadBalancerAssignment.HasIngress(service);

    private void EnqueueIf(bool relevant)
    {
        if (relevant)
        {
            _queue.Add(AllServices);
        }
    }

    private async Task SyncAsync(string key, CancellationToken cancellationToken)
    {
        var services = _services.List();
        var decisions = LoadBalancerAssignment.Assign(services, LoadBalancerAssignment.NodeAddresses(_nodes.List()));
        var failures = new List<string>();
        foreach (var service in services)
        {
            var serviceKey = Informer<Service>.KeyOf(service);
            IReadOnlyList<string> addresses;
            if (decisions.TryGetValue(serviceKey, out var decision))
            {
                ReportConflict(service, serviceKey, decision.Conflict);
                addresses = decision.Addresses;
            }
            else if (service.Spec?.Type != "LoadBalancer" && (LoadBalancerAssignment.HasIngress(service) || _served.Contains(serviceKey)))
            {
                // No longer a LoadBalancer: the nodes stop serving it, so its published addresses go too.
                addresses = [];
            }
            else
            {
                continue;
            }

            try
            {
                await WriteIngressAsync(service, serviceKey, addresses, cancellationToken).ConfigureAwait(false);
            }
            catch (ApiError e) when (!e.IsNotFound)
            {
                failures.Add($"{serviceKey}: {e.Message}");
            }
        }

        ForgetDeleted(services);
        if (failures.Count > 0)
        {
            throw new InvalidOperationException("updating load balancer status failed for " + string.Join("; ", failures));
        }
    }

    private async Task WriteIngressAsync(Service service, string serviceKey, IReadOnlyList<string> addresses, CancellationToken cancellationToken)
    {
        var status = service.Status is null ? new ServiceStatus() : ModelCopy.Of(service.Status);
        status.LoadBalancer = new LoadBalancerStatus
        {
            Ingress = addresses.Count == 0 ? null : [.. addresses.Select(ip => new LoadBalancerIngress { Ip = ip, IpMode = "VIP" })],
        };
        var patch = StatusPatch.Between(service.Status, status);
        var had = _served.Contains(serviceKey) || LoadBalancerAssignment.HasIngress(service);
        if (patch is null && had == addresses.Count > 0)
        {
            return;
        }

        // The Normal events upstream's service controller records around a cloud load balancer, so that
        // `kubectl describe service` reads the same here.
        (string Reason, string Message)? starting = null, finished = null;
        if (!had && addresses.Count > 0)
        {
            (starting, finished) = (("EnsuringLoadBalancer", "Ensuring load balancer"), ("EnsuredLoadBalancer", "Ensured load balancer"));
        }
        else if (had && addresses.Count == 0)
        {
            (starting, finished) = (("DeletingLoadBalancer", "Deleting load balancer"), ("DeletedLoadBalancer", "Deleted load balancer"));
        }
        else if (had)
        {
            finished = ("UpdatedLoadBalancer", "Updated load balancer with new hosts");
        }

        Record(service, "Normal", starting);
        if (patch is not null)
        {
            var path = ResourcePath.For<Service>(service.Metadata!.Namespace, service.Metadata.Name, "status");
            await _client.PatchAsync<Service>(path, KubeClient.MergePatch, patch, cancellationToken).ConfigureAwait(false);
            LogIngress(_logger, service.Metadata.Namespace ?? "", service.Metadata.Name ?? "", addresses.Count == 0 ? "none" : string.Join(", ", addresses));
        }

        if (addresses.Count > 0)
        {
            _served.Add(serviceKey);
        }
        else
        {
            _served.Remove(serviceKey);
        }

        Record(service, "Normal", finished);
    }

    private void Record(Service service, string type, (string Reason, string Message)? what)
    {
        if (what is not { } happened)
        {
            return;
        }

        var reference = new ObjectReference
        {
            ApiVersion = "v1",
            Kind = "Service",
            Namespace = service.Metadata?.Namespace,
            Name = service.Metadata?.Name,
            Uid = service.Metadata?.Uid,
            ResourceVersion = service.Metadata?.ResourceVersion,
        };
        _events.Record(reference, type, happened.Reason, happened.Message);
    }

    /// <summary>One Warning per new conflict; the sync runs again on every node or service change and must not repeat it.</summary>
    private void ReportConflict(Service service, string serviceKey, string? conflict)
    {
        if (conflict is null)
        {
            _reportedConflicts.Remove(serviceKey);
            return;
        }

        if (_reportedConflicts.GetValueOrDefault(serviceKey) == conflict)
        {
            return;
        }

        _reportedConflicts[serviceKey] = conflict;
        Record(service, "Warning", (ConflictReason, $"Error syncing load balancer: {conflict}"));
    }

    private void ForgetDeleted(IReadOnlyCollection<Service> services)
    {
        var present = services.Select(Informer<Service>.KeyOf).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _reportedConflicts.Keys.Where(k => !present.Contains(k)).ToList())
        {
            _reportedConflicts.Remove(gone);
        }

        _served.RemoveWhere(k => !present.Contains(k));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Load balancer ingress of service {Namespace}/{Name}: {Addresses}")]
    private static partial void LogIngress(ILogger logger, string @namespace, string name, string addresses);
}
