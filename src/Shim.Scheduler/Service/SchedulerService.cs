using System.Text.Json;
using Microsoft.Extensions.Logging;
using Shim.Client;
using Shim.Model;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;
using Shim.Scheduler.Queue;
using Shim.Scheduler.Snapshot;

namespace Shim.Scheduler.Service;

/// <summary>
/// The scheduler as an API client: informers keep a <see cref="ClusterSnapshot"/> and the
/// <see cref="SchedulingQueue"/> current; one loop pops a pod, runs the plugins, assumes the result and binds
/// through pods/binding. A pod that fits nowhere gets PodScheduled=False/Unschedulable and a FailedScheduling event,
/// and waits for a cluster change.
/// </summary>
public sealed partial class SchedulerService
{
    public const string DefaultSchedulerName = "default-scheduler";

    private readonly KubeClient _client;
    private readonly EventRecorder _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Informer<Pod> _pods;
    private readonly Informer<Node> _nodes;
    private readonly Informer<Namespace> _namespaces;
    private readonly SchedulingQueue _queue;
    private readonly ClusterSnapshot _snapshot = ClusterSnapshot.Create([], []);
    private readonly Lock _snapshotLock = new();
    private readonly PodScheduler _scheduler = PodScheduler.CreateDefault();

    public SchedulerService(KubeClient client, EventRecorder events, ILoggerFactory loggers, TimeProvider time)
    {
        _client = client;
        _events = events;
        _time = time;
        _logger = loggers.CreateLogger<SchedulerService>();
        _queue = new SchedulingQueue(time);
        _pods = new Informer<Pod>(client, loggers.CreateLogger("scheduler.informer.pods"));
        _nodes = new Informer<Node>(client, loggers.CreateLogger("scheduler.informer.nodes"));
        _namespaces = new Informer<Namespace>(client, loggers.CreateLogger("scheduler.informer.namespaces"));

        _pods.OnAdd(PodChanged);
        _pods.OnUpdate((_, pod) => PodChanged(pod));
        _pods.OnDelete(PodDeleted);
        _nodes.OnAdd(node => NodeChanged(node, ClusterEventKind.NodeAdded));
        _nodes.OnUpdate((_, node) => NodeChanged(node, ClusterEventKind.NodeUpdated));
        _nodes.OnDelete(node =>
        {
            lock (_snapshotLock)
            {
                _snapshot.RemoveNode(node.Metadata!.Name!);
            }

            _queue.OnClusterEvent(ClusterEventKind.NodeDeleted);
        });
        _namespaces.OnChange(ns =>
        {
            lock (_snapshotLock)
            {
                _snapshot.AddNamespace(ns);
            }

            _queue.OnClusterEvent(ClusterEventKind.NamespaceChanged);
        });
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var informers = new[] { _nodes.RunAsync(cancellationToken), _namespaces.RunAsync(cancellationToken), _pods.RunAsync(cancellationToken) };
        await Task.WhenAll(_nodes.Synced, _namespaces.Synced, _pods.Synced).WaitAsync(cancellationToken).ConfigureAwait(false);
        while (!cancellationToken.IsCancellationRequested)
        {
            Pod popped;
            try
            {
                popped = await _queue.PopAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            await ScheduleOneAsync(popped, cancellationToken).ConfigureAwait(false);
        }

        await Task.WhenAll(informers).ConfigureAwait(false);
    }

    private static bool Responsible(Pod pod) =>
        (pod.Spec?.SchedulerName ?? DefaultSchedulerName) == DefaultSchedulerName;

    private void PodChanged(Pod pod)
    {
        var assigned = !string.IsNullOrEmpty(pod.Spec?.NodeName);
        lock (_snapshotLock)
        {
            _snapshot.AddPod(pod);
        }

        if (assigned)
        {
            _queue.Delete(pod);
            _queue.OnClusterEvent(ClusterEventKind.AssignedPodUpdated);
        }
        else if (Responsible(pod) && pod.Metadata?.DeletionTimestamp is null)
        {
            _queue.Update(pod);
        }
    }

    private void PodDeleted(Pod pod)
    {
        lock (_snapshotLock)
        {
            _snapshot.RemovePod(pod);
        }

        _queue.Delete(pod);
        if (!string.IsNullOrEmpty(pod.Spec?.NodeName))
        {
            _queue.OnClusterEvent(ClusterEventKind.AssignedPodDeleted);
        }
    }

    private void NodeChanged(Node node, ClusterEventKind kind)
    {
        lock (_snapshotLock)
        {
            _snapshot.AddNode(node);
        }

        _queue.OnClusterEvent(kind);
    }

    private async Task ScheduleOneAsync(Pod popped, CancellationToken cancellationToken)
    {
        // The queue may hold an older copy: schedule the pod as it is now.
        var pod = _pods.Get(popped.Metadata?.Namespace, popped.Metadata?.Name ?? "");
        if (pod is null || pod.Metadata?.Uid != popped.Metadata?.Uid || !string.IsNullOrEmpty(pod.Spec?.NodeName) || pod.Metadata?.DeletionTimestamp is not null)
        {
            _queue.Done(popped);
            return;
        }

        ScheduleResult result;
        lock (_snapshotLock)
        {
            result = _scheduler.Schedule(pod, _snapshot);
            if (result.Succeeded)
            {
                _snapshot.AssumePod(pod, result.NodeName!);
            }
        }

        var name = $"{pod.Metadata!.Namespace}/{pod.Metadata.Name}";
        if (!result.Succeeded)
        {
            LogUnschedulable(_logger, name, result.FailureMessage!);
            _events.Record(pod, "Warning", "FailedScheduling", result.FailureMessage!);
            await MarkUnschedulableAsync(pod, result.FailureMessage!, cancellationToken).ConfigureAwait(false);
            _queue.AddUnschedulable(pod);
            return;
        }

        try
        {
            await _client.PostAsync<Binding, Status>(ResourcePath.For<Pod>(pod.Metadata.Namespace, pod.Metadata.Name, "binding"), new Binding
            {
                ApiVersion = "v1",
                Kind = "Binding",
                Metadata = new ObjectMeta { Name = pod.Metadata.Name, Namespace = pod.Metadata.Namespace, Uid = pod.Metadata.Uid },
                Target = new ObjectReference { ApiVersion = "v1", Kind = "Node", Name = result.NodeName },
            }, cancellationToken).ConfigureAwait(false);
            _events.Record(pod, "Normal", "Scheduled", $"Successfully assigned {name} to {result.NodeName}");
            LogBound(_logger, name, result.NodeName!);
            _queue.Done(pod);
        }
        catch (ApiError e)
        {
            lock (_snapshotLock)
            {
                _snapshot.ForgetPod(pod);
            }

            LogBindFailed(_logger, name, result.NodeName!, e.Message);
            if (e.IsNotFound)
            {
                _queue.Done(pod);
            }
            else
            {
                _queue.AddForRetry(pod);
            }
        }
    }

    private async Task MarkUnschedulableAsync(Pod pod, string message, CancellationToken cancellationToken)
    {
        var existing = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
        if (existing is { Status: "False", Reason: "Unschedulable" } && existing.Message == message)
        {
            return;
        }

        var condition = new PodCondition
        {
            Type = "PodScheduled",
            Status = "False",
            Reason = "Unschedulable",
            Message = message,
            LastTransitionTime = existing?.Status == "False" && existing.LastTransitionTime is { } t ? t : _time.GetUtcNow(),
        };
        // The resourceVersion makes the patch conditional: a pod bound meanwhile (by us or anyone) keeps its condition.
        var patch = "{\"metadata\":{\"resourceVersion\":" + JsonSerializer.Serialize(pod.Metadata!.ResourceVersion) + "},\"status\":{\"conditions\":["
            + JsonSerializer.Serialize(condition, ModelJson.Options) + "]}}";
        try
        {
            await _client.PatchAsync<Pod>(ResourcePath.For<Pod>(pod.Metadata!.Namespace, pod.Metadata.Name, "status"), KubeClient.StrategicMergePatch, patch, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiError e) when (e.IsNotFound || e.IsConflict)
        {
            // Deleted or changed meanwhile: the next attempt works from the new state.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bound {Pod} to {Node}")]
    private static partial void LogBound(ILogger logger, string pod, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Pod} is unschedulable: {Message}")]
    private static partial void LogUnschedulable(ILogger logger, string pod, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Binding {Pod} to {Node} failed: {Error}")]
    private static partial void LogBindFailed(ILogger logger, string pod, string node, string error);
}
