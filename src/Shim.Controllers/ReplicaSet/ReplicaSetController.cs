using Microsoft.Extensions.Logging;
using Shim.Client;
using Shim.Client.Matching;
using Shim.Controllers.Runtime;
using Shim.Model.Apps.V1;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;
using ReplicaSetKind = Shim.Model.Apps.V1.ReplicaSet;

namespace Shim.Controllers.ReplicaSets;

/// <summary>
/// Keeps spec.replicas pods of a ReplicaSet's template running, as upstream's ReplicaSet controller: claims the pods its
/// selector matches, creates missing ones in slow-start batches, deletes surplus ones (earliest in their life first)
/// and reports replicas, fullyLabeled, ready and available counts in status.
/// </summary>
public sealed partial class ReplicaSetController
{
    /// <summary>Upstream's burstReplicas: at most this many creations or deletions per sync.</summary>
    private const int BurstReplicas = 500;

    private readonly KubeClient _client;
    private readonly EventRecorder _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Informer<ReplicaSetKind> _replicaSets;
    private readonly Informer<Pod> _pods;
    private readonly WorkQueue _queue;
    private readonly Expectations _expectations;

    public ReplicaSetController(KubeClient client, SharedInformers informers, EventRecorder events, TimeProvider time, ILoggerFactory loggers)
    {
        _client = client;
        _events = events;
        _time = time;
        _logger = loggers.CreateLogger<ReplicaSetController>();
        _queue = new WorkQueue(time);
        _expectations = new Expectations(time);
        _replicaSets = informers.Get<ReplicaSetKind>();
        _pods = informers.Get<Pod>();

        _replicaSets.OnAdd(Enqueue);
        _replicaSets.OnUpdate((_, rs) => Enqueue(rs));
        _replicaSets.OnDelete(rs =>
        {
            _expectations.Forget(Informer<ReplicaSetKind>.KeyOf(rs));
            Enqueue(rs);
        });
        _pods.OnAdd(PodAdded);
        _pods.OnUpdate(PodUpdated);
        _pods.OnDelete(PodDeleted);
    }

    public Task RunAsync(CancellationToken cancellationToken) =>
        new ControllerLoop("replicaset", _queue, SyncAsync, _logger).RunAsync([_replicaSets.Synced, _pods.Synced], cancellationToken);

    private void Enqueue(ReplicaSetKind rs) => _queue.Add(Informer<ReplicaSetKind>.KeyOf(rs));

    private void PodAdded(Pod pod)
    {
        if (Owner(pod) is { } rs)
        {
            // A terminating pod seen for the first time (e.g. after a relist) was never one of our creations.
            if (pod.Metadata!.DeletionTimestamp is null)
            {
                _expectations.CreationObserved(Informer<ReplicaSetKind>.KeyOf(rs));
            }

            Enqueue(rs);
            return;
        }

        if (OwnerOf(pod.Metadata) is null)
        {
            EnqueueSelecting(pod);
        }
    }

    private void PodUpdated(Pod old, Pod pod)
    {
        var labelsChanged = !LabelsEqual(old.Metadata?.Labels, pod.Metadata?.Labels);
        var oldRef = OwnerOf(old.Metadata);
        var newRef = OwnerOf(pod.Metadata);
        if (oldRef?.Uid != newRef?.Uid && Owner(old) is { } previous)
        {
            Enqueue(previous);
        }

        if (Owner(pod) is { } rs)
        {
            if (old.Metadata?.DeletionTimestamp is null && pod.Metadata!.DeletionTimestamp is not null)
            {
                // Graceful deletion started: that is the deletion we waited for; the final removal is not counted again.
                _expectations.DeletionObserved(Informer<ReplicaSetKind>.KeyOf(rs));
            }

            Enqueue(rs);
            var minReady = rs.Spec?.MinReadySeconds ?? 0;
            if (minReady > 0 && !PodStates.IsReady(old) && PodStates.IsReady(pod))
            {
                _queue.AddAfter(Informer<ReplicaSetKind>.KeyOf(rs), TimeSpan.FromSeconds(minReady));
            }

            return;
        }

        if (newRef is null && (labelsChanged || oldRef is not null))
        {
            EnqueueSelecting(pod);
        }
    }

    private void PodDeleted(Pod pod)
    {
        if (Owner(pod) is not { } rs)
        {
            return;
        }

        if (pod.Metadata!.DeletionTimestamp is null)
        {
            _expectations.DeletionObserved(Informer<ReplicaSetKind>.KeyOf(rs));
        }

        Enqueue(rs);
    }

    private static OwnerReference? OwnerOf(ObjectMeta? meta) =>
        OwnerReferences.ControllerOf(meta) is { Kind: "ReplicaSet" } reference && reference.ApiVersion?.StartsWith("apps/", StringComparison.Ordinal) == true ? reference : null;

    /// <summary>The cached ReplicaSet controlling the pod (same name and uid), if any.</summary>
    private ReplicaSetKind? Owner(Pod pod) =>
        OwnerOf(pod.Metadata) is { } reference && _replicaSets.Get(pod.Metadata!.Namespace, reference.Name ?? "") is { } rs && rs.Metadata?.Uid == reference.Uid ? rs : null;

    /// <summary>An orphan may be adopted by any ReplicaSet whose selector matches it.</summary>
    private void EnqueueSelecting(Pod pod)
    {
        foreach (var rs in _replicaSets.List())
        {
            if (rs.Metadata?.Namespace == pod.Metadata?.Namespace && Selects(rs, pod))
            {
                Enqueue(rs);
            }
        }
    }

    private static bool Selects(ReplicaSetKind rs, Pod pod) =>
        rs.Spec?.Selector is { } selector && (selector.MatchLabels is { Count: > 0 } || selector.MatchExpressions is { Count: > 0 })
        && LabelSelection.From(selector).Matches(Labels.Of(pod.Metadata?.Labels));

    private static bool LabelsEqual(Dictionary<string, string>? a, Dictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a is null || a.All(kv => b!.TryGetValue(kv.Key, out var v) && v == kv.Value));

    private async Task SyncAsync(string key, CancellationToken cancellationToken)
    {
        var rs = _replicaSets.Get(key);
        if (rs is null)
        {
            _expectations.Forget(key);
            return;
        }

        var needsSync = _expectations.Satisfied(key);
        var claims = new ControllerClaims<ReplicaSetKind>(_client, rs);
        var owned = new List<Pod>();
        foreach (var pod in _pods.List())
        {
            if (pod.Metadata?.Namespace == rs.Metadata!.Namespace && PodStates.IsActive(pod)
                && await claims.ClaimAsync(pod, Selects(rs, pod), cancellationToken).ConfigureAwait(false))
            {
                owned.Add(pod);
            }
        }

        Exception? failure = null;
        var deleted = new HashSet<string>(StringComparer.Ordinal);
        if (needsSync && rs.Metadata!.DeletionTimestamp is null)
        {
            try
            {
                await ManageReplicasAsync(key, rs, owned, deleted, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ApiError or HttpRequestException)
            {
                failure = e;
            }
        }

        await WriteStatusAsync(rs, owned, deleted, failure, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            throw failure;
        }

        RequeueWhenNextAvailable(key, rs, owned);
    }

    private async Task ManageReplicasAsync(string key, ReplicaSetKind rs, List<Pod> owned, HashSet<string> deleted, CancellationToken cancellationToken)
    {
        var diff = owned.Count - (rs.Spec?.Replicas ?? 1);
        if (diff < 0)
        {
            var wanted = Math.Min(-diff, BurstReplicas);
            _expectations.Expect(key, wanted, 0);
            var (created, error) = await SlowStartAsync(wanted, ct => CreatePodAsync(rs, ct), cancellationToken).ConfigureAwait(false);
            for (var i = created; i < wanted; i++)
            {
                // Failed and never attempted creations will not be observed.
                _expectations.CreationFailed(key);
            }

            if (error is not null)
            {
                throw error;
            }
        }
        else if (diff > 0)
        {
            var victims = owned.Order(PodDeletionOrder.Instance).Take(Math.Min(diff, BurstReplicas)).ToList();
            _expectations.Expect(key, 0, victims.Count);
            var results = await Task.WhenAll(victims.Select(pod => DeletePodAsync(key, rs, pod, cancellationToken))).ConfigureAwait(false);
            foreach (var pod in victims.Where((_, i) => results[i] is null))
            {
                deleted.Add(pod.Metadata!.Uid!);
            }

            if (results.FirstOrDefault(e => e is not null) is { } error)
            {
                throw error;
            }
        }
    }

    /// <summary>
    /// Upstream's slowStartBatch: batches of 1, 2, 4, ... run concurrently; the first failing batch stops the rest, so
    /// a doomed template (quota, admission) costs one failed call instead of hundreds.
    /// </summary>
    private static async Task<(int Succeeded, Exception? Error)> SlowStartAsync(int count, Func<CancellationToken, Task> create, CancellationToken cancellationToken)
    {
        var succeeded = 0;
        var batch = 1;
        var remaining = count;
        while (remaining > 0)
        {
            batch = Math.Min(batch, remaining);
            var attempts = Enumerable.Range(0, batch).Select(_ => create(cancellationToken)).ToList();
            try
            {
                await Task.WhenAll(attempts).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ApiError or HttpRequestException)
            {
                succeeded += attempts.Count(a => a.IsCompletedSuccessfully);
                return (succeeded, attempts.First(a => a.IsFaulted).Exception!.InnerException);
            }

            succeeded += batch;
            remaining -= batch;
            batch *= 2;
        }

        return (succeeded, null);
    }

    private async Task CreatePodAsync(ReplicaSetKind rs, CancellationToken cancellationToken)
    {
        var template = rs.Spec?.Template;
        var meta = rs.Metadata!;
        var pod = new Pod
        {
            Metadata = new ObjectMeta
            {
                GenerateName = meta.Name + "-",
                Namespace = meta.Namespace,
                Labels = template?.Metadata?.Labels is { } labels ? new Dictionary<string, string>(labels, StringComparer.Ordinal) : null,
                Annotations = template?.Metadata?.Annotations is { } annotations ? new Dictionary<string, string>(annotations, StringComparer.Ordinal) : null,
                Finalizers = template?.Metadata?.Finalizers is { } finalizers ? [.. finalizers] : null,
                OwnerReferences = [OwnerReferences.ControllerReference(rs)],
            },
            Spec = template?.Spec is { } spec ? ModelCopy.Of(spec) : null,
        };
        try
        {
            if (pod.Metadata.Labels is not { Count: > 0 })
            {
                throw new ApiError("unable to create pods, no labels");
            }

            var created = await _client.CreateAsync(ResourcePath.For<Pod>(meta.Namespace), pod, cancellationToken).ConfigureAwait(false);
            _events.Record(Reference(rs), "Normal", "SuccessfulCreate", $"Created pod: {created.Metadata?.Name}");
        }
        catch (Exception e) when (e is ApiError or HttpRequestException)
        {
            _events.Record(Reference(rs), "Warning", "FailedCreate", $"Error creating: {e.Message}");
            throw;
        }
    }

    private async Task<Exception?> DeletePodAsync(string key, ReplicaSetKind rs, Pod pod, CancellationToken cancellationToken)
    {
        try
        {
            var path = ResourcePath.For<Pod>(pod.Metadata!.Namespace, pod.Metadata.Name);
            var options = new DeleteOptions { Preconditions = new Preconditions { Uid = pod.Metadata.Uid } };
            if (!await _client.DeleteAsync(path, options, cancellationToken).ConfigureAwait(false))
            {
                _expectations.DeletionFailed(key);
                return null;
            }

            _events.Record(Reference(rs), "Normal", "SuccessfulDelete", $"Deleted pod: {pod.Metadata.Name}");
            return null;
        }
        catch (Exception e) when (e is ApiError or HttpRequestException)
        {
            _expectations.DeletionFailed(key);
            _events.Record(Reference(rs), "Warning", "FailedDelete", $"Error deleting: {e.Message}");
            return e;
        }
    }

    /// <summary>
    /// Writes the counts through the status subresource when they changed. Pods deleted in this sync are no longer
    /// counted (upstream counts them until the informer sees them go), so a Deployment never reads availability that
    /// is already being removed.
    /// </summary>
    private async Task WriteStatusAsync(ReplicaSetKind rs, List<Pod> owned, HashSet<string> deleted, Exception? failure, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var minReady = rs.Spec?.MinReadySeconds ?? 0;
        var template = LabelSelection.From(new LabelSelector { MatchLabels = rs.Spec?.Template?.Metadata?.Labels ?? [] });
        var counted = owned.Where(p => !deleted.Contains(p.Metadata!.Uid!)).ToList();
        var status = rs.Status is null ? new ReplicaSetStatus() : ModelCopy.Of(rs.Status);
        status.Replicas = counted.Count;
        status.FullyLabeledReplicas = NonZero(counted.Count(p => template.Matches(Labels.Of(p.Metadata?.Labels))));
        status.ReadyReplicas = NonZero(counted.Count(PodStates.IsReady));
        status.AvailableReplicas = NonZero(counted.Count(p => PodStates.IsAvailable(p, minReady, now)));
        status.ObservedGeneration = rs.Metadata?.Generation;

        var failureCondition = status.Conditions?.FirstOrDefault(c => c.Type == "ReplicaFailure");
        if (failure is not null && failureCondition is null)
        {
            var diff = owned.Count - (rs.Spec?.Replicas ?? 1);
            status.Conditions = [.. status.Conditions ?? [], new ReplicaSetCondition
            {
                Type = "ReplicaFailure",
                Status = "True",
                Reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "",
                Message = failure.Message,
                LastTransitionTime = Seconds(now),
            }];
        }
        else if (failure is null && failureCondition is not null)
        {
            status.Conditions = status.Conditions!.Where(c => c.Type != "ReplicaFailure").ToList();
            if (status.Conditions.Count == 0)
            {
                status.Conditions = null;
            }
        }

        if (StatusPatch.Between(rs.Status, status) is { } patch)
        {
            var path = ResourcePath.For<ReplicaSetKind>(rs.Metadata!.Namespace, rs.Metadata.Name, "status");
            await _client.PatchAsync<ReplicaSetKind>(path, KubeClient.MergePatch, patch, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Ready pods turn available minReadySeconds later without any event: look again exactly then.</summary>
    private void RequeueWhenNextAvailable(string key, ReplicaSetKind rs, List<Pod> owned)
    {
        var now = _time.GetUtcNow();
        var minReady = rs.Spec?.MinReadySeconds ?? 0;
        var next = owned.Select(p => PodStates.AvailableAt(p, minReady, now)).Where(t => t is not null).Min();
        if (next is { } at)
        {
            // Availability needs strictly more than minReadySeconds; the extra second also covers whole-second times.
            _queue.AddAfter(key, at - now + TimeSpan.FromSeconds(1));
        }
    }

    private static int? NonZero(int value) => value == 0 ? null : value;

    private static DateTimeOffset Seconds(DateTimeOffset time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), time.Offset);

    private static ObjectReference Reference(ReplicaSetKind rs) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "ReplicaSet",
        Namespace = rs.Metadata?.Namespace,
        Name = rs.Metadata?.Name,
        Uid = rs.Metadata?.Uid,
        ResourceVersion = rs.Metadata?.ResourceVersion,
    };
}
