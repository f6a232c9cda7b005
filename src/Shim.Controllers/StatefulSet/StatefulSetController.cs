using System.Globalization;
using Microsoft.Extensions.Logging;
using Shim.Client;
using Shim.Client.Matching;
using Shim.Controllers.Runtime;
using Shim.Model;
using Shim.Model.Apps.V1;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;
using Set = Shim.Model.Apps.V1.StatefulSet;

namespace Shim.Controllers.StatefulSet;

/// <summary>
/// Runs StatefulSets as upstream's statefulset controller: pods with stable names <c>&lt;set&gt;-&lt;ordinal&gt;</c>, each
/// with its own claims; OrderedReady creates in ordinal order (each after its predecessor is Running and Ready) and
/// removes in reverse order, Parallel does both at once; RollingUpdate replaces pods from the highest ordinal down to
/// the partition, OnDelete leaves replacement to the user. Revisions are kept as ControllerRevisions.
/// </summary>
public sealed partial class StatefulSetController
{
    private readonly KubeClient _client;
    private readonly Informer<Set> _sets;
    private readonly Informer<Pod> _pods;
    private readonly Informer<PersistentVolumeClaim> _claims;
    private readonly Informer<ControllerRevision> _revisions;
    private readonly StatefulSetHistory _history;
    private readonly EventRecorder _events;
    private readonly TimeProvider _time;
    private readonly WorkQueue _queue;
    private readonly ILogger _logger;

    public StatefulSetController(KubeClient client, SharedInformers informers, EventRecorder events, TimeProvider time, ILoggerFactory loggers)
    {
        _client = client;
        _events = events;
        _time = time;
        _logger = loggers.CreateLogger<StatefulSetController>();
        _queue = new WorkQueue(time);
        _sets = informers.Get<Set>();
        _pods = informers.Get<Pod>();
        _claims = informers.Get<PersistentVolumeClaim>();
        _revisions = informers.Get<ControllerRevision>();
        _history = new StatefulSetHistory(client, _revisions);
        _sets.OnChange(set => _queue.Add(Informer<Set>.KeyOf(set)));
        _pods.OnChange(EnqueueOwner);
    }

    public Task RunAsync(CancellationToken cancellationToken) =>
        new ControllerLoop("statefulset", _queue, SyncAsync, _logger)
            .RunAsync([_sets.Synced, _pods.Synced, _claims.Synced, _revisions.Synced], cancellationToken);

    private void EnqueueOwner(Pod pod)
    {
        if (OwnerReferences.ControllerOf(pod.Metadata) is { Kind: "StatefulSet", Name: { } name })
        {
            _queue.Add($"{pod.Metadata!.Namespace}/{name}");
        }
    }

    private async Task SyncAsync(string key, CancellationToken cancellationToken)
    {
        var set = _sets.Get(key);
        if (set?.Metadata?.DeletionTimestamp is not null || set?.Spec is null)
        {
            // Gone, or going: its pods and revisions are the garbage collector's.
            return;
        }

        var selection = LabelSelection.From(set.Spec.Selector);
        var pods = _pods.List()
            .Where(p => p.Metadata?.Namespace == set.Metadata!.Namespace && OwnerReferences.IsControlledBy(p.Metadata, set.Metadata)
                && selection.Matches(p.Metadata!.Labels) && StatefulSetPods.OrdinalOf(set, p) >= 0)
            .ToList();
        var owned = _history.Owned(set);
        var (update, collisions) = await _history.UpdateRevisionAsync(set, owned, cancellationToken).ConfigureAwait(false);
        owned = [.. owned.Where(r => r.Metadata!.Name != update.Metadata!.Name), update];
        var current = owned.FirstOrDefault(r => r.Metadata!.Name == set.Status?.CurrentRevision) ?? update;

        var status = Count(set, pods, current, update, collisions);
        await ReconcileAsync(set, pods, status, current, update, cancellationToken).ConfigureAwait(false);
        CompleteRollingUpdate(set, status);
        await WriteStatusAsync(set, status, cancellationToken).ConfigureAwait(false);

        var live = pods.Select(StatefulSetPods.RevisionOf).OfType<string>()
            .Append(status.CurrentRevision!).Append(status.UpdateRevision!);
        await _history.TruncateAsync(set, owned.OrderBy(r => r.Revision ?? 0).ToList(), live, cancellationToken).ConfigureAwait(false);

        var minReady = set.Spec.MinReadySeconds ?? 0;
        var now = _time.GetUtcNow();
        if (pods.Select(p => PodStates.UntilAvailable(p, minReady, now)).Where(d => d is not null).Min() is { } wait)
        {
            _queue.AddAfter(key, wait);
        }
    }

    /// <summary>One step toward the spec; OrderedReady returns at the first pod it must wait for.</summary>
    private async Task ReconcileAsync(Set set, List<Pod> pods, StatefulSetStatus status, ControllerRevision current, ControllerRevision update, CancellationToken cancellationToken)
    {
        var monotonic = set.Spec!.PodManagementPolicy != "Parallel";
        var start = StatefulSetPods.StartOrdinal(set);
        var replicas = new Pod?[Math.Max(0, set.Spec.Replicas ?? 1)];
        var condemned = new List<Pod>();
        foreach (var pod in pods)
        {
            var index = StatefulSetPods.OrdinalOf(set, pod) - start;
            if (index >= 0 && index < replicas.Length)
            {
                replicas[index] = pod;
            }
            else
            {
                condemned.Add(pod);
            }
        }

        condemned.Sort((a, b) => StatefulSetPods.OrdinalOf(set, b).CompareTo(StatefulSetPods.OrdinalOf(set, a)));
        var minReady = set.Spec.MinReadySeconds ?? 0;
        var now = _time.GetUtcNow();

        for (var i = 0; i < replicas.Length; i++)
        {
            var pod = replicas[i];
            if (pod is not null && PodStates.IsFinished(pod) && !PodStates.IsTerminating(pod))
            {
                // A failed (or completed) member is replaced under the same name once its deletion is observed.
                await DeletePodAsync(set, pod, cancellationToken).ConfigureAwait(false);
                replicas[i] = null;
                if (monotonic)
                {
                    return;
                }

                continue;
            }

            if (pod is null)
            {
                var (template, revision) = VersionFor(set, status, current, update, i);
                await CreatePodAsync(set, start + i, template, revision, cancellationToken).ConfigureAwait(false);
                if (monotonic)
                {
                    return;
                }

                continue;
            }

            if (monotonic && (PodStates.IsTerminating(pod) || !PodStates.IsRunningAndReady(pod) || !PodStates.IsAvailable(pod, minReady, now)))
            {
                return;
            }
        }

        // Every wanted member is healthy (OrderedReady) or at least exists (Parallel): remove the surplus, highest first.
        var firstUnhealthy = condemned.FirstOrDefault(p => !PodStates.IsRunningAndReady(p) || PodStates.IsTerminating(p));
        foreach (var pod in condemned)
        {
            if (PodStates.IsTerminating(pod))
            {
                if (monotonic)
                {
                    return;
                }

                continue;
            }

            if (monotonic && !PodStates.IsRunningAndReady(pod) && pod != firstUnhealthy)
            {
                return;
            }

            await ReleaseClaimsOnScaleDownAsync(set, pod, cancellationToken).ConfigureAwait(false);
            await DeletePodAsync(set, pod, cancellationToken).ConfigureAwait(false);
            if (monotonic)
            {
                return;
            }
        }

        if (set.Spec.UpdateStrategy?.Type == "OnDelete")
        {
            return;
        }

        await RollAsync(set, replicas, update, minReady, now, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes outdated pods from the highest ordinal down to the partition, at most maxUnavailable unavailable at a time.</summary>
    private async Task RollAsync(Set set, Pod?[] replicas, ControllerRevision update, int minReady, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rolling = set.Spec!.UpdateStrategy?.RollingUpdate;
        var partition = rolling?.Partition ?? 0;
        var maxUnavailable = Math.Max(1, ScaledValue.Resolve(rolling?.MaxUnavailable, replicas.Length, roundUp: true, fallback: 1));
        var unavailable = replicas.Count(p => p is null || PodStates.IsTerminating(p) || !PodStates.IsRunningAndReady(p) || !PodStates.IsAvailable(p, minReady, now));
        var budget = maxUnavailable - unavailable;
        for (var i = replicas.Length - 1; i >= partition && budget > 0; i--)
        {
            if (replicas[i] is { } pod && StatefulSetPods.RevisionOf(pod) != update.Metadata!.Name && !PodStates.IsTerminating(pod))
            {
                await DeletePodAsync(set, pod, cancellationToken).ConfigureAwait(false);
                budget--;
            }
        }
    }

    /// <summary>
    /// Which revision a newly created member gets: below the partition (RollingUpdate) it stays on the current
    /// revision; otherwise, and always with OnDelete, it gets the update revision.
    /// </summary>
    private static (PodTemplateSpec Template, string Revision) VersionFor(Set set, StatefulSetStatus status, ControllerRevision current, ControllerRevision update, int index)
    {
        var strategy = set.Spec!.UpdateStrategy;
        var stayCurrent = strategy?.Type != "OnDelete" && (strategy?.RollingUpdate is { } rolling
            ? index < (rolling.Partition ?? 0)
            : index < (set.Status?.CurrentReplicas ?? 0));
        return stayCurrent && current.Metadata!.Name != update.Metadata!.Name
            ? (StatefulSetHistory.TemplateOf(current), current.Metadata.Name!)
            : (set.Spec.Template ?? new PodTemplateSpec(), update.Metadata!.Name!);
    }

    private async Task CreatePodAsync(Set set, int ordinal, PodTemplateSpec template, string revision, CancellationToken cancellationToken)
    {
        var pod = StatefulSetPods.NewPod(set, template, ordinal, revision);
        await CreateClaimsAsync(set, ordinal, pod.Metadata!.Name!, cancellationToken).ConfigureAwait(false);
        try
        {
            await _client.CreateAsync(ResourcePath.For<Pod>(set.Metadata!.Namespace), pod, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiError e) when (e.IsConflict)
        {
            // Already there: the cache has not shown our own earlier create yet.
            return;
        }
        catch (ApiError e)
        {
            Record(set, "Warning", "FailedCreate", $"create Pod {pod.Metadata.Name} in StatefulSet {set.Metadata!.Name} failed error: {e.Message}");
            throw;
        }

        Record(set, "Normal", "SuccessfulCreate", $"create Pod {pod.Metadata.Name} in StatefulSet {set.Metadata!.Name} successful");
    }

    /// <summary>Creates the member's missing claims before the pod that mounts them.</summary>
    private async Task CreateClaimsAsync(Set set, int ordinal, string podName, CancellationToken cancellationToken)
    {
        var deleteWithSet = set.Spec?.PersistentVolumeClaimRetentionPolicy?.WhenDeleted == "Delete";
        foreach (var claim in StatefulSetPods.Claims(set, ordinal))
        {
            if (_claims.Get(claim.Metadata!.Namespace, claim.Metadata.Name!) is not null)
            {
                continue;
            }

            if (deleteWithSet)
            {
                claim.Metadata.OwnerReferences = [PlainReference(set)];
            }

            try
            {
                await _client.CreateAsync(ResourcePath.For<PersistentVolumeClaim>(set.Metadata!.Namespace), claim, cancellationToken).ConfigureAwait(false);
                Record(set, "Normal", "SuccessfulCreate", $"create Claim {claim.Metadata.Name} for Pod {podName} in StatefulSet {set.Metadata.Name} success");
            }
            catch (ApiError e) when (e.IsConflict)
            {
                // Created earlier; the cache is behind.
            }
            catch (ApiError e)
            {
                Record(set, "Warning", "FailedCreate", $"create Claim {claim.Metadata.Name} for Pod {podName} in StatefulSet {set.Metadata!.Name} failed error: {e.Message}");
                throw;
            }
        }
    }

    /// <summary>whenScaled: Delete hands a removed member's claims to its pod, so they go when the pod is gone.</summary>
    private async Task ReleaseClaimsOnScaleDownAsync(Set set, Pod pod, CancellationToken cancellationToken)
    {
        if (set.Spec?.PersistentVolumeClaimRetentionPolicy?.WhenScaled != "Delete")
        {
            return;
        }

        var ordinal = StatefulSetPods.OrdinalOf(set, pod);
        foreach (var wanted in StatefulSetPods.Claims(set, ordinal))
        {
            if (_claims.Get(wanted.Metadata!.Namespace, wanted.Metadata.Name!) is not { } claim
                || claim.Metadata?.OwnerReferences?.Any(r => r.Uid == pod.Metadata!.Uid) == true)
            {
                continue;
            }

            var references = (claim.Metadata?.OwnerReferences ?? []).Append(new OwnerReference
            {
                ApiVersion = "v1", Kind = "Pod", Name = pod.Metadata!.Name, Uid = pod.Metadata.Uid,
            });
            var patch = ModelJson.Serialize(new PersistentVolumeClaim { Metadata = new ObjectMeta { OwnerReferences = [.. references] } });
            await _client.PatchAsync<PersistentVolumeClaim>(ResourcePath.For<PersistentVolumeClaim>(claim.Metadata!.Namespace, claim.Metadata.Name),
                KubeClient.MergePatch, patch, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DeletePodAsync(Set set, Pod pod, CancellationToken cancellationToken)
    {
        try
        {
            await _client.DeleteAsync(ResourcePath.For<Pod>(pod.Metadata!.Namespace, pod.Metadata.Name),
                new DeleteOptions { Preconditions = new Preconditions { Uid = pod.Metadata.Uid } }, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiError e) when (e.IsConflict)
        {
            // A newer pod under the same name: the deletion was already done.
            return;
        }
        catch (ApiError e)
        {
            Record(set, "Warning", "FailedDelete", $"delete Pod {pod.Metadata!.Name} in StatefulSet {set.Metadata!.Name} failed error: {e.Message}");
            throw;
        }

        Record(set, "Normal", "SuccessfulDelete", $"delete Pod {pod.Metadata.Name} in StatefulSet {set.Metadata!.Name} successful");
    }

    private StatefulSetStatus Count(Set set, List<Pod> pods, ControllerRevision current, ControllerRevision update, int collisions)
    {
        var now = _time.GetUtcNow();
        var minReady = set.Spec!.MinReadySeconds ?? 0;
        var status = new StatefulSetStatus
        {
            ObservedGeneration = set.Metadata!.Generation,
            Replicas = pods.Count,
            ReadyReplicas = pods.Count(PodStates.IsRunningAndReady),
            AvailableReplicas = pods.Count(p => PodStates.IsRunningAndReady(p) && PodStates.IsAvailable(p, minReady, now)),
            CurrentReplicas = pods.Count(p => !PodStates.IsTerminating(p) && StatefulSetPods.RevisionOf(p) == current.Metadata!.Name),
            UpdatedReplicas = pods.Count(p => !PodStates.IsTerminating(p) && StatefulSetPods.RevisionOf(p) == update.Metadata!.Name),
            CurrentRevision = current.Metadata!.Name,
            UpdateRevision = update.Metadata!.Name,
            CollisionCount = collisions,
            Conditions = set.Status?.Conditions,
        };
        return status;
    }

    /// <summary>Once every member runs the update revision and is ready, it becomes the current revision.</summary>
    private static void CompleteRollingUpdate(Set set, StatefulSetStatus status)
    {
        if (set.Spec!.UpdateStrategy?.Type != "OnDelete" && status.UpdatedReplicas == status.Replicas && status.ReadyReplicas == status.Replicas)
        {
            status.CurrentReplicas = status.UpdatedReplicas;
            status.CurrentRevision = status.UpdateRevision;
        }
    }

    private async Task WriteStatusAsync(Set set, StatefulSetStatus status, CancellationToken cancellationToken)
    {
        var body = ModelJson.Serialize(status);
        if (set.Status is not null && ModelJson.Serialize(set.Status) == body)
        {
            return;
        }

        await _client.PatchAsync<Set>(ResourcePath.For<Set>(set.Metadata!.Namespace, set.Metadata.Name, "status"), KubeClient.MergePatch,
            "{\"status\":" + body + "}", cancellationToken).ConfigureAwait(false);
        LogStatus(_logger, set.Metadata.Namespace ?? "", set.Metadata.Name ?? "", status.Replicas ?? 0, status.ReadyReplicas ?? 0,
            status.UpdatedReplicas ?? 0, status.UpdateRevision ?? "");
    }

    private void Record(Set set, string type, string reason, string message) =>
        _events.Record(new ObjectReference
        {
            ApiVersion = Set.GroupVersionKind.ApiVersion,
            Kind = Set.GroupVersionKind.Kind,
            Namespace = set.Metadata!.Namespace,
            Name = set.Metadata.Name,
            Uid = set.Metadata.Uid,
            ResourceVersion = set.Metadata.ResourceVersion,
        }, type, reason, message);

    private static OwnerReference PlainReference(Set set) => new()
    {
        ApiVersion = Set.GroupVersionKind.ApiVersion,
        Kind = Set.GroupVersionKind.Kind,
        Name = set.Metadata!.Name,
        Uid = set.Metadata.Uid,
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "StatefulSet {Namespace}/{Name}: replicas {Replicas}, ready {Ready}, updated {Updated} (revision {Revision})")]
    private static partial void LogStatus(ILogger logger, string @namespace, string name, int replicas, int ready, int updated, string revision);
}
