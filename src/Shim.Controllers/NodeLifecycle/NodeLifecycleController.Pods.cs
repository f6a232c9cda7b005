using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Shim.Client;
using Shim.Client.Matching;
using Shim.Model;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;

namespace Shim.Controllers.NodeLifecycle;

/// <summary>What happens to a pod because of its node: pod GC of orphans, MarkPodsNotReady, taint-based eviction.</summary>
public sealed partial class NodeLifecycleController
{
    // Pods with an eviction deadline ahead, so a cancelled one is reported (pod deletes forget them from the informer's thread).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _evictionScheduled = new(StringComparer.Ordinal);

    // When this controller first saw a NoExecute taint that carries no timeAdded (set by someone else).
    private readonly Dictionary<string, DateTimeOffset> _taintSeen = new(StringComparer.Ordinal);

    private async Task SyncPodAsync(string key, CancellationToken cancellationToken)
    {
        var pod = _pods.Get(key);
        if (pod?.Spec?.NodeName is not { Length: > 0 } nodeName)
        {
            return;
        }

        var node = _nodes.Get(null, nodeName);
        if (node is null)
        {
            // The cache may be behind a node just created: only the API server's word makes a pod an orphan.
            if (await _client.GetAsync<Node>(ResourcePath.For<Node>(name: nodeName), cancellationToken).ConfigureAwait(false) is null)
            {
                await DeleteOrphanAsync(pod, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var ready = NodeTaints.ReadyStatus(node);
        if (pod.Metadata?.DeletionTimestamp is not null)
        {
            // Upstream force-deletes terminating pods of a dead node only once an admin declared it out of service.
            if (ready != "True" && node.Spec?.Taints?.Any(t => t.Key == NodeTaints.OutOfService && t.Effect == NodeTaints.NoExecute) == true)
            {
                await ForceDeleteAsync(pod, "terminating pod on an out-of-service node", cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        if (ready is "False" or "Unknown")
        {
            await MarkNotReadyAsync(pod, cancellationToken).ConfigureAwait(false);
        }

        await EvictIfUntoleratedAsync(pod, node, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Upstream MarkPodsNotReady: a pod on a node that is not ready is not ready either.</summary>
    private async Task MarkNotReadyAsync(Pod pod, CancellationToken cancellationToken)
    {
        var conditions = pod.Status?.Conditions;
        var readyCondition = conditions?.FirstOrDefault(c => c.Type == "Ready");
        if (conditions is null || readyCondition is null || readyCondition.Status == "False")
        {
            return;
        }

        readyCondition.Status = "False";
        readyCondition.LastTransitionTime = _time.GetUtcNow();
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["resourceVersion"] = pod.Metadata!.ResourceVersion },
            ["status"] = new JsonObject { ["conditions"] = JsonSerializer.SerializeToNode(conditions, ModelJson.Options) },
        };
        await _client.PatchAsync<Pod>(ResourcePath.For<Pod>(pod.Metadata.Namespace, pod.Metadata.Name, "status"), KubeClient.MergePatch, patch.ToJsonString(), cancellationToken).ConfigureAwait(false);
        _events.Record(pod, "Warning", "NodeNotReady", "Node is not ready");
    }

    /// <summary>
    /// Taint-based eviction: a NoExecute taint the pod does not tolerate evicts it now; tolerated ones with
    /// tolerationSeconds evict it that long after the taint was added; tolerations without seconds keep it forever.
    /// </summary>
    private async Task EvictIfUntoleratedAsync(Pod pod, Node node, CancellationToken cancellationToken)
    {
        var key = Informer<Pod>.KeyOf(pod);
        var now = _time.GetUtcNow();
        var deadline = EvictionDeadline(node, pod.Spec?.Tolerations ?? []);
        if (deadline is null)
        {
            if (_evictionScheduled.TryRemove(key, out _))
            {
                _events.Record(pod, "Normal", "TaintManagerEviction", $"Cancelling deletion of Pod {key}");
            }

            return;
        }

        if (deadline > now)
        {
            _evictionScheduled[key] = true;
            _queue.AddAfter(PodPrefix + key, deadline.Value - now);
            return;
        }

        _evictionScheduled.TryRemove(key, out _);
        _events.Record(pod, "Normal", "TaintManagerEviction", $"Marking for deletion Pod {key}");
        await AddDisruptionTargetAsync(pod, "DeletionByTaintManager", "Taint manager: deleting due to NoExecute taint", failed: false, cancellationToken).ConfigureAwait(false);
        await _client.DeleteAsync(ResourcePath.For<Pod>(pod.Metadata!.Namespace, pod.Metadata.Name), null, cancellationToken).ConfigureAwait(false);
        LogEvicted(_logger, key, node.Metadata!.Name!);
    }

    /// <summary>When the pod must go: now for an untolerated taint, the earliest tolerationSeconds expiry, or null (never).</summary>
    private DateTimeOffset? EvictionDeadline(Node node, IReadOnlyList<Toleration> tolerations)
    {
        DateTimeOffset? deadline = null;
        foreach (var taint in node.Spec?.Taints ?? [])
        {
            if (taint.Effect != NodeTaints.NoExecute)
            {
                continue;
            }

            var toleration = tolerations.FirstOrDefault(t => TolerationMatching.Tolerates(t, taint));
            if (toleration is null)
            {
                return DateTimeOffset.MinValue;
            }

            if (toleration.TolerationSeconds is not { } seconds)
            {
                continue;
            }

            var added = taint.TimeAdded ?? FirstSeen(node, taint);
            var expiry = added + TimeSpan.FromSeconds(Math.Max(0, seconds));
            if (deadline is null || expiry < deadline)
            {
                deadline = expiry;
            }
        }

        return deadline;
    }

    private DateTimeOffset FirstSeen(Node node, Taint taint)
    {
        var key = $"{node.Metadata!.Name}/{taint.Key}/{taint.Value}";
        if (!_taintSeen.TryGetValue(key, out var seen))
        {
            seen = _time.GetUtcNow();
            _taintSeen[key] = seen;
        }

        return seen;
    }

    /// <summary>Pod GC: a pod bound to a node that no longer exists fails and goes at once.</summary>
    private async Task DeleteOrphanAsync(Pod pod, CancellationToken cancellationToken)
    {
        var phase = pod.Status?.Phase;
        await AddDisruptionTargetAsync(pod, "DeletionByPodGC", "PodGC: node no longer exists", failed: phase is not ("Succeeded" or "Failed"), cancellationToken).ConfigureAwait(false);
        await ForceDeleteAsync(pod, $"bound to node {pod.Spec!.NodeName}, which no longer exists", cancellationToken).ConfigureAwait(false);
    }

    private async Task ForceDeleteAsync(Pod pod, string why, CancellationToken cancellationToken)
    {
        await _client.DeleteAsync(ResourcePath.For<Pod>(pod.Metadata!.Namespace, pod.Metadata.Name), new DeleteOptions { GracePeriodSeconds = 0 }, cancellationToken).ConfigureAwait(false);
        LogForceDeleted(_logger, Informer<Pod>.KeyOf(pod), why);
    }

    /// <summary>The DisruptionTarget condition tells the pod's owner (and the user) why it is going away.</summary>
    private async Task AddDisruptionTargetAsync(Pod pod, string reason, string message, bool failed, CancellationToken cancellationToken)
    {
        var conditions = pod.Status?.Conditions?.Where(c => c.Type != "DisruptionTarget").ToList() ?? [];
        conditions.Add(new PodCondition { Type = "DisruptionTarget", Status = "True", Reason = reason, Message = message, LastTransitionTime = _time.GetUtcNow() });
        var status = new JsonObject { ["conditions"] = JsonSerializer.SerializeToNode(conditions, ModelJson.Options) };
        if (failed)
        {
            status["phase"] = "Failed";
        }

        try
        {
            await _client.PatchAsync<Pod>(ResourcePath.For<Pod>(pod.Metadata!.Namespace, pod.Metadata.Name, "status"), KubeClient.MergePatch,
                new JsonObject { ["status"] = status }.ToJsonString(), cancellationToken).ConfigureAwait(false);
        }
        catch (ApiError e) when (e.IsNotFound)
        {
            // Already gone: nothing to explain.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Evicted pod {Pod} from node {Node}: NoExecute taint not tolerated (any longer)")]
    private static partial void LogEvicted(ILogger logger, string pod, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Force-deleted pod {Pod}: {Why}")]
    private static partial void LogForceDeleted(ILogger logger, string pod, string why);
}
