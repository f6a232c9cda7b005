using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Shim.Client;
using Shim.Controllers.Runtime;
using Shim.Model;
using Shim.Model.Coordination.V1;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;

namespace Shim.Controllers.NodeLifecycle;

/// <summary>
/// Watches node heartbeats (the Ready condition and the node's Lease in kube-node-lease) as upstream's node lifecycle
/// controller: a node silent for the grace period gets its conditions set to Unknown; its conditions become taints
/// (NoExecute not-ready/unreachable for eviction, NoSchedule for scheduling); pods on it are marked not ready and
/// evicted per their tolerations (the taint eviction controller); pods bound to a vanished node are removed (pod GC).
/// Keys are "node/NAME" and "pod/NS/NAME"; heartbeats are judged by when this controller saw them change, on its own
/// clock, so clock skew between nodes and the control plane does not matter.
/// </summary>
public sealed partial class NodeLifecycleController
{
    private const string NodeLeaseNamespace = "kube-node-lease";
    private const string NodePrefix = "node/";
    private const string PodPrefix = "pod/";

    private static readonly string[] MonitoredConditions = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"];

    private readonly KubeClient _client;
    private readonly EventRecorder _events;
    private readonly TimeProvider _time;
    private readonly NodeLifecycleOptions _options;
    private readonly ILogger _logger;
    private readonly Informer<Node> _nodes;
    private readonly Informer<Lease> _leases;
    private readonly Informer<Pod> _pods;
    private readonly WorkQueue _queue;
    private readonly ControllerLoop _loop;

    // Touched only by the single sync worker.
    private readonly Dictionary<string, NodeHealth> _health = new(StringComparer.Ordinal);

    public NodeLifecycleController(KubeClient client, SharedInformers informers, EventRecorder events, TimeProvider time, ILoggerFactory loggers, NodeLifecycleOptions? options = null)
    {
        _client = client;
        _events = events;
        _time = time;
        _options = options ?? new NodeLifecycleOptions();
        _logger = loggers.CreateLogger<NodeLifecycleController>();
        _queue = new WorkQueue(time);
        _loop = new ControllerLoop("node-lifecycle", _queue, SyncAsync, _logger);
        _nodes = informers.Get<Node>();
        _leases = informers.Get<Lease>();
        _pods = informers.Get<Pod>();

        _nodes.OnChange(n => _queue.Add(NodePrefix + n.Metadata!.Name));
        _nodes.OnDelete(n => EnqueuePodsOn(n.Metadata!.Name!));
        _leases.OnAdd(OnLease);
        _leases.OnUpdate((_, l) => OnLease(l));
        _pods.OnAdd(OnPod);
        _pods.OnUpdate((_, p) => OnPod(p));
        _pods.OnDelete(p => _evictionScheduled.TryRemove(Informer<Pod>.KeyOf(p), out _));
    }

    public Task RunAsync(CancellationToken cancellationToken) =>
        _loop.RunAsync([_nodes.Synced, _leases.Synced, _pods.Synced], cancellationToken);

    private void OnLease(Lease lease)
    {
        if (lease.Metadata?.Namespace == NodeLeaseNamespace)
        {
            _queue.Add(NodePrefix + lease.Metadata.Name);
        }
    }

    private void OnPod(Pod pod)
    {
        if (!string.IsNullOrEmpty(pod.Spec?.NodeName))
        {
            _queue.Add(PodPrefix + Informer<Pod>.KeyOf(pod));
        }
    }

    private void EnqueuePodsOn(string nodeName)
    {
        foreach (var pod in _pods.List().Where(p => p.Spec?.NodeName == nodeName))
        {
            _queue.Add(PodPrefix + Informer<Pod>.KeyOf(pod));
        }
    }

    private async Task SyncAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            if (key.StartsWith(NodePrefix, StringComparison.Ordinal))
            {
                await SyncNodeAsync(key[NodePrefix.Length..], cancellationToken).ConfigureAwait(false);
            }
            else if (key.StartsWith(PodPrefix, StringComparison.Ordinal))
            {
                await SyncPodAsync(key[PodPrefix.Length..], cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ApiError e) when (e.IsConflict)
        {
            // Someone wrote first (the agent's heartbeat, usually): look again at once with the newer object.
            _queue.Add(key);
        }
    }

    private async Task SyncNodeAsync(string name, CancellationToken cancellationToken)
    {
        var node = _nodes.Get(null, name);
        if (node is null)
        {
            _health.Remove(name);
            return;
        }

        node = await MonitorHealthAsync(node, cancellationToken).ConfigureAwait(false);
        if (NodeTaints.Reconcile(node, _time.GetUtcNow()) is { } taints)
        {
            var patch = new JsonObject
            {
                ["metadata"] = new JsonObject { ["resourceVersion"] = node.Metadata!.ResourceVersion },
                ["spec"] = new JsonObject { ["taints"] = JsonSerializer.SerializeToNode(taints, ModelJson.Options) },
            };
            await _client.PatchAsync<Node>(ResourcePath.For<Node>(name: name), KubeClient.MergePatch, patch.ToJsonString(), cancellationToken).ConfigureAwait(false);
            LogTaints(_logger, name, string.Join(", ", taints.Select(t => $"{t.Key}:{t.Effect}")));
        }

        // Taints and readiness decide what happens to the node's pods.
        EnqueuePodsOn(name);
    }

    /// <summary>
    /// Notes when the node last showed a sign of life; past the grace period its conditions become Unknown.
    /// Returns the node as it now is.
    /// </summary>
    private async Task<Node> MonitorHealthAsync(Node node, CancellationToken cancellationToken)
    {
        var name = node.Metadata!.Name!;
        var now = _time.GetUtcNow();
        var ready = NodeTaints.Condition(node, "Ready");
        var lease = _leases.Get(NodeLeaseNamespace, name);
        if (!_health.TryGetValue(name, out var health))
        {
            // A node seen for the first time gets a full grace period from now (from its creation if it never reported).
            health = new NodeHealth(ready is null ? node.Metadata.CreationTimestamp ?? now : now, ready?.LastHeartbeatTime, lease?.Spec?.RenewTime);
            _health[name] = health;
        }
        else
        {
            if (ready is not null && ready.LastHeartbeatTime != health.Heartbeat)
            {
                health = health with { ProbedAt = now, Heartbeat = ready.LastHeartbeatTime };
            }

            if (lease?.Spec?.RenewTime is { } renewed && (health.LeaseRenewed is null || renewed > health.LeaseRenewed))
            {
                health = health with { ProbedAt = now, LeaseRenewed = renewed };
            }

            _health[name] = health;
        }

        var grace = ready is null ? _options.NodeStartupGracePeriod : _options.NodeMonitorGracePeriod;
        var deadline = health.ProbedAt + grace;
        if (now <= deadline)
        {
            _queue.AddAfter(NodePrefix + name, deadline - now + TimeSpan.FromMilliseconds(1));
            return node;
        }

        var wasReady = ready?.Status == "True";
        var conditions = node.Status?.Conditions?.ToList() ?? [];
        var changed = false;
        foreach (var type in MonitoredConditions)
        {
            var condition = conditions.FirstOrDefault(c => c.Type == type);
            if (condition is null)
            {
                conditions.Add(new NodeCondition
                {
                    Type = type, Status = "Unknown", Reason = "NodeStatusNeverUpdated", Message = "Kubelet never posted node status.",
                    LastHeartbeatTime = node.Metadata.CreationTimestamp, LastTransitionTime = now,
                });
                changed = true;
            }
            else if (condition.Status != "Unknown")
            {
                condition.Status = "Unknown";
                condition.Reason = "NodeStatusUnknown";
                condition.Message = "Kubelet stopped posting node status.";
                condition.LastTransitionTime = now;
                changed = true;
            }
        }

        if (!changed)
        {
            return node;
        }

        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["resourceVersion"] = node.Metadata.ResourceVersion },
            ["status"] = new JsonObject { ["conditions"] = JsonSerializer.SerializeToNode(conditions, ModelJson.Options) },
        };
        var updated = await _client.PatchAsync<Node>(ResourcePath.For<Node>(name: name, subresource: "status"), KubeClient.MergePatch, patch.ToJsonString(), cancellationToken).ConfigureAwait(false);
        LogUnknown(_logger, name, grace.TotalSeconds);
        if (wasReady)
        {
            _events.Record(NodeReference(node), "Normal", "NodeNotReady", $"Node {name} status is now: NodeNotReady");
        }

        return updated;
    }

    private static ObjectReference NodeReference(Node node) =>
        new() { ApiVersion = "v1", Kind = "Node", Name = node.Metadata!.Name, Uid = node.Metadata.Name };

    /// <summary>What this controller last saw of a node's heartbeats, and when (on its own clock).</summary>
    private sealed record NodeHealth(DateTimeOffset ProbedAt, DateTimeOffset? Heartbeat, DateTimeOffset? LeaseRenewed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} taints now: [{Taints}]")]
    private static partial void LogTaints(ILogger logger, string node, string taints);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} has not posted status or renewed its lease for {Seconds}s: conditions set to Unknown")]
    private static partial void LogUnknown(ILogger logger, string node, double seconds);
}
