using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Shim.Client;
using Shim.Controllers.Runtime;
using Shim.Model;
using Shim.Model.Batch.V1;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;
using BatchJob = Shim.Model.Batch.V1.Job;

namespace Shim.Controllers.Job;

/// <summary>
/// Runs a Job's pods to completion, as upstream's job controller: keeps up to parallelism pods active (NonIndexed) or
/// one pod per missing index (Indexed), counts finished pods exactly once through the batch.kubernetes.io/job-tracking
/// finalizer and status.uncountedTerminatedPods, and finishes the Job with the interim SuccessCriteriaMet /
/// FailureTarget conditions followed by Complete / Failed once no pod is left terminating. Also handles suspend,
/// activeDeadlineSeconds, backoffLimit with pod failure backoff, and ttlSecondsAfterFinished (upstream's separate
/// TTL-after-finished controller).
/// </summary>
public sealed partial class JobController
{
    private const string OrphanPrefix = "pod:";
    private const string JobConditionComplete = "Complete";
    private const string JobConditionFailed = "Failed";
    private const string JobConditionSuccessCriteriaMet = "SuccessCriteriaMet";
    private const string JobConditionFailureTarget = "FailureTarget";
    private const string JobConditionSuspended = "Suspended";

    private readonly KubeClient _client;
    private readonly Informer<BatchJob> _jobs;
    private readonly Informer<Pod> _pods;
    private readonly EventRecorder _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly WorkQueue _queue;
    private readonly Expectations _expectations;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, bool>> _finalizerRemovals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JobPodBackoff> _backoff = new(StringComparer.Ordinal);

    // Resource versions our own status writes replaced, per Job: a cache still showing one of them has not seen the
    // counters we wrote, and counting its pods again would undercount released pods and start extra ones.
    private readonly ConcurrentDictionary<string, HashSet<string>> _supersededVersions = new(StringComparer.Ordinal);
    private readonly ControllerLoop _loop;
    private CancellationToken _stopping;

    public JobController(KubeClient client, SharedInformers informers, EventRecorder events, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(informers);
        ArgumentNullException.ThrowIfNull(loggers);
        _client = client;
        _events = events;
        _time = time;
        _logger = loggers.CreateLogger<JobController>();

        // Failed syncs back off in real time; deadlines, pod backoff and TTLs are requeued on the injected clock.
        _queue = new WorkQueue(TimeProvider.System, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        _expectations = new Expectations(time);
        _jobs = informers.Get<BatchJob>();
        _pods = informers.Get<Pod>();
        _loop = new ControllerLoop("job", _queue, SyncAsync, _logger);

        _jobs.OnAdd(job => _queue.Add(Informer<BatchJob>.KeyOf(job)));
        _jobs.OnUpdate((_, job) => _queue.Add(Informer<BatchJob>.KeyOf(job)));
        _jobs.OnDelete(JobDeleted);
        _pods.OnAdd(PodAdded);
        _pods.OnUpdate(PodUpdated);
        _pods.OnDelete(PodDeleted);
    }

    public Task RunAsync(CancellationToken cancellationToken)
    {
        _stopping = cancellationToken;
        return _loop.RunAsync([_jobs.Synced, _pods.Synced], cancellationToken);
    }

    private void JobDeleted(BatchJob job)
    {
        var key = Informer<BatchJob>.KeyOf(job);
        _expectations.Forget(key);
        _finalizerRemovals.TryRemove(key, out _);
        _supersededVersions.TryRemove(key, out _);
        _backoff.TryRemove(key, out _);

        // Its pods may still hold our finalizer; nobody else would remove it.
        foreach (var pod in _pods.List().Where(p => JobPods.HasTrackingFinalizer(p) && OwnerReferences.IsControlledBy(p.Metadata, job.Metadata!)))
        {
            _queue.Add(OrphanPrefix + Informer<Pod>.KeyOf(pod));
        }

        _queue.Add(key);
    }

    private void PodAdded(Pod pod)
    {
        if (OwningJob(pod) is not { } key)
        {
            EnqueueIfOrphan(pod);
            return;
        }

        if (pod.Metadata?.DeletionTimestamp is null)
        {
            _expectations.CreationObserved(key);
        }

        _queue.Add(key);
    }

    private void PodUpdated(Pod old, Pod pod)
    {
        if (old.Metadata?.ResourceVersion == pod.Metadata?.ResourceVersion)
        {
            return;
        }

        if (OwningJob(pod) is not { } key)
        {
            EnqueueIfOrphan(pod);
            return;
        }

        if (pod.Metadata?.DeletionTimestamp is not null && old.Metadata?.DeletionTimestamp is null)
        {
            _expectations.DeletionObserved(key);
        }

        if (!JobPods.HasTrackingFinalizer(pod))
        {
            FinalizerRemovalObserved(key, pod);
        }

        _queue.Add(key);
    }

    private void PodDeleted(Pod pod)
    {
        if (OwningJob(pod) is not { } key)
        {
            return;
        }

        if (pod.Metadata?.DeletionTimestamp is null)
        {
            _expectations.DeletionObserved(key);
        }

        FinalizerRemovalObserved(key, pod);
        _queue.Add(key);
    }

    private void FinalizerRemovalObserved(string key, Pod pod)
    {
        if (_finalizerRemovals.TryGetValue(key, out var pending))
        {
            pending.TryRemove(pod.Metadata?.Uid ?? "", out _);
        }
    }

    private void EnqueueIfOrphan(Pod pod)
    {
        if (JobPods.HasTrackingFinalizer(pod))
        {
            _queue.Add(OrphanPrefix + Informer<Pod>.KeyOf(pod));
        }
    }

    /// <summary>The key of the Job that controls the pod, when that Job is in the cache.</summary>
    private string? OwningJob(Pod pod)
    {
        if (OwnerReferences.ControllerOf(pod.Metadata) is not { Kind: "Job" } owner ||
            _jobs.Get(pod.Metadata?.Namespace, owner.Name ?? "") is not { } job || job.Metadata?.Uid != owner.Uid)
        {
            return null;
        }

        return Informer<BatchJob>.KeyOf(job);
    }

    private Task SyncAsync(string key, CancellationToken cancellationToken) =>
        key.StartsWith(OrphanPrefix, StringComparison.Ordinal)
            ? ReleaseOrphanAsync(key[OrphanPrefix.Length..], cancellationToken)
            : SyncJobAsync(key, cancellationToken);

    private async Task SyncJobAsync(string key, CancellationToken cancellationToken)
    {
        if (_jobs.Get(key) is not { } cached)
        {
            _expectations.Forget(key);
            _backoff.TryRemove(key, out _);
            return;
        }

        if (IsOlderThanOwnWrite(key, cached))
        {
            return; // the informer's update to our written version enqueues the key again
        }

        var job = Clone(cached);
        var pods = OwnedPods(job);
        if (IsFinished(job))
        {
            _backoff.TryRemove(key, out _);
            await RemoveFinalizersAsync(key, pods.Where(JobPods.HasTrackingFinalizer).ToList(), cancellationToken).ConfigureAwait(false);
            await ExpireAsync(key, job, cancellationToken).ConfigureAwait(false);
            return;
        }

        var sync = new JobSync(job, pods, _time.GetUtcNow());
        var spec = job.Spec ??= new JobSpec();
        var status = job.Status ??= new JobStatus();
        var satisfied = _expectations.Satisfied(key);
        var pendingRemovals = _finalizerRemovals.GetOrAdd(key, _ => new ConcurrentDictionary<string, bool>(StringComparer.Ordinal));
        var uncounted = status.UncountedTerminatedPods ??= new UncountedTerminatedPods();
        var uncountedSucceeded = (uncounted.Succeeded ?? []).ToHashSet(StringComparer.Ordinal);
        var uncountedFailed = (uncounted.Failed ?? []).ToHashSet(StringComparer.Ordinal);
        bool Fresh(Pod p) => JobPods.HasTrackingFinalizer(p) && !pendingRemovals.ContainsKey(p.Metadata!.Uid!);

        var newSucceeded = pods.Where(p => Fresh(p) && JobPods.Succeeded(p) && !uncountedSucceeded.Contains(p.Metadata!.Uid!)).ToList();
        var newFailed = pods.Where(p => Fresh(p) && JobPods.Failed(p, job) && !uncountedFailed.Contains(p.Metadata!.Uid!)).ToList();
        sync.Succeeded = (status.Succeeded ?? 0) + newSucceeded.Count + uncountedSucceeded.Count;
        sync.Failed = (status.Failed ?? 0) + newFailed.Count + uncountedFailed.Count;

        var suspended = spec.Suspend == true;
        if (status.StartTime is null && !suspended)
        {
            status.StartTime = sync.Now;
        }

        var backoff = _backoff.GetValueOrDefault(key, JobPodBackoff.None)
            .After([.. newSucceeded.Select(p => JobPods.FinishedAt(p, sync.Now))], [.. newFailed.Select(p => JobPods.FinishedAt(p, sync.Now))]);

        sync.Finished = ExistingInterimCondition(job);
        if (sync.Finished is null)
        {
            if (sync.Failed > (spec.BackoffLimit ?? 6) || PastBackoffLimitOnFailure(job, pods))
            {
                sync.Finished = NewCondition(JobConditionFailureTarget, "BackoffLimitExceeded", "Job has reached the specified backoff limit", sync.Now);
            }
            else if (PastActiveDeadline(job, sync.Now))
            {
                sync.Finished = NewCondition(JobConditionFailureTarget, "DeadlineExceeded", "Job was active longer than specified deadline", sync.Now);
            }
            else if (spec.ActiveDeadlineSeconds is { } deadline && !suspended && status.StartTime is { } started)
            {
                RequeueAfter(key, started + TimeSpan.FromSeconds(deadline) - sync.Now);
            }
        }

        if (sync.Indexed)
        {
            sync.PreviousIndexes = CompletionIndexes.Parse(status.CompletedIndexes, spec.Completions ?? 0);
            sync.SucceededIndexes = new SortedSet<int>(sync.PreviousIndexes);
            foreach (var pod in pods.Where(p => JobPods.Succeeded(p) && Fresh(p)))
            {
                if (JobPods.CompletionIndex(pod) is var index && index >= 0 && index < (spec.Completions ?? 0))
                {
                    sync.SucceededIndexes.Add(index);
                }
            }

            sync.Succeeded = sync.SucceededIndexes.Count;
        }

        var suspendChanged = false;
        Exception? manageError = null;
        if (sync.Finished is not null && sync.Finished.Type != JobConditionSuccessCriteriaMet)
        {
            var active = sync.ActivePods;
            var (deleted, deletedReady, error) = await DeletePodsAsync(job, active, keepFinalizers: true, cancellationToken).ConfigureAwait(false);
            if (deleted != active.Count || !satisfied)
            {
                // Some pods may not be gone yet, or not in the cache yet: finish in a later sync.
                sync.Finished = null;
            }

            sync.Active -= deleted;
            sync.Ready -= deletedReady;
            sync.Terminating += deleted;
            manageError = error;
        }
        else if (sync.Finished is null)
        {
            var managed = false;
            if (satisfied && job.Metadata?.DeletionTimestamp is null)
            {
                manageError = await ManageAsync(key, job, sync, backoff, cancellationToken).ConfigureAwait(false);
                managed = true;
            }

            var complete = spec.Completions is { } completions
                ? sync.Succeeded >= completions && sync.Active == 0
                : sync.Succeeded > 0 && sync.Active == 0;
            if (complete)
            {
                sync.Finished = NewCondition(JobConditionSuccessCriteriaMet, "CompletionsReached", "Reached expected number of succeeded pods", sync.Now);
            }
            else if (managed)
            {
                suspendChanged = UpdateSuspendedCondition(job, suspended, sync.Now);
            }
        }

        var needsUpdate = suspendChanged || sync.Active != (status.Active ?? 0) || sync.Ready != (status.Ready ?? 0) || sync.Terminating != (status.Terminating ?? 0);
        status.Active = sync.Active;
        status.Ready = sync.Ready;
        status.Terminating = sync.Terminating;
        await TrackStatusAsync(key, job, sync, pendingRemovals, backoff, needsUpdate, cancellationToken).ConfigureAwait(false);
        if (manageError is not null)
        {
            throw manageError;
        }
    }

    /// <summary>
    /// Records newly finished pods in uncountedTerminatedPods, removes their finalizers, then moves them into the
    /// succeeded/failed counters: a pod is counted once whatever happens to it afterwards (deleted or not).
    /// </summary>
    private async Task TrackStatusAsync(string key, BatchJob job, JobSync sync, ConcurrentDictionary<string, bool> pendingRemovals, JobPodBackoff backoff, bool needsUpdate, CancellationToken cancellationToken)
    {
        var status = job.Status!;
        var uncounted = status.UncountedTerminatedPods!;
        var uncountedSucceeded = uncounted.Succeeded ??= [];
        var uncountedFailed = uncounted.Failed ??= [];
        var withFinalizer = sync.Pods.Where(p => JobPods.HasTrackingFinalizer(p) && !pendingRemovals.ContainsKey(p.Metadata!.Uid!))
            .Select(p => p.Metadata!.Uid!).ToHashSet(StringComparer.Ordinal);
        needsUpdate |= CountReleased(status, withFinalizer);

        var release = new List<Pod>();
        var newIndexes = new List<int>();
        var failing = sync.Finished is not null && sync.Finished.Type != JobConditionSuccessCriteriaMet;
        foreach (var pod in sync.Pods.Where(p => withFinalizer.Contains(p.Metadata!.Uid!)))
        {
            var uid = pod.Metadata!.Uid!;
            var failed = JobPods.Failed(pod, job);
            if (!(job.Metadata?.DeletionTimestamp is not null || sync.Finished is not null || JobPods.Succeeded(pod) || failed))
            {
                continue;
            }

            release.Add(pod);
            var index = JobPods.CompletionIndex(pod);
            var indexValid = index >= 0 && index < (job.Spec!.Completions ?? 0);
            if (JobPods.Succeeded(pod) && !uncountedFailed.Contains(uid))
            {
                if (sync.Indexed)
                {
                    if (indexValid && !sync.PreviousIndexes.Contains(index))
                    {
                        newIndexes.Add(index);
                        needsUpdate = true;
                    }
                }
                else if (!uncountedSucceeded.Contains(uid))
                {
                    uncountedSucceeded.Add(uid);
                    needsUpdate = true;
                }
            }
            else if ((failed || failing) && !uncountedFailed.Contains(uid) && (!sync.Indexed || indexValid))
            {
                uncountedFailed.Add(uid);
                needsUpdate = true;
            }
        }

        if (sync.Indexed)
        {
            var completed = CompletionIndexes.Format(sync.SucceededIndexes.Concat(newIndexes));
            needsUpdate |= completed != (status.CompletedIndexes ?? "");
            status.CompletedIndexes = completed;
            status.Succeeded = CompletionIndexes.Parse(completed, job.Spec!.Completions ?? 0).Count;
        }

        // The interim condition is written before any finalizer is removed, so the outcome survives a restart.
        if (sync.Finished is { Type: JobConditionFailureTarget } target)
        {
            if (!HasTrueCondition(job, JobConditionFailureTarget))
            {
                (status.Conditions ??= []).Add(target);
                needsUpdate = true;
            }

            sync.Finished = NewCondition(JobConditionFailed, target.Reason!, target.Message!, sync.Now);
        }
        else if (sync.Finished is { Type: JobConditionSuccessCriteriaMet } met)
        {
            if (!HasTrueCondition(job, JobConditionSuccessCriteriaMet))
            {
                (status.Conditions ??= []).Add(met);
                needsUpdate = true;
            }

            sync.Finished = NewCondition(JobConditionComplete, met.Reason!, met.Message!, sync.Now);
        }

        if (needsUpdate)
        {
            job = await WriteStatusAsync(job, cancellationToken).ConfigureAwait(false);
            status = job.Status!;
            _backoff[key] = backoff;
            needsUpdate = false;
        }

        Exception? releaseError = null;
        if (release.Count > 0)
        {
            foreach (var pod in release)
            {
                pendingRemovals[pod.Metadata!.Uid!] = true;
            }

            var (released, error) = await RemoveFinalizersAsync(key, release, cancellationToken).ConfigureAwait(false);
            releaseError = error;
            withFinalizer.ExceptWith(released);
        }

        needsUpdate |= CountReleased(status, withFinalizer);
        var finished = FinishIfDone(job, sync);
        if (needsUpdate || finished)
        {
            await WriteStatusAsync(job, cancellationToken).ConfigureAwait(false);
            if (finished)
            {
                RecordFinished(job, sync.Finished!);
            }
        }

        if (releaseError is not null)
        {
            throw releaseError;
        }
    }

    /// <summary>Moves pods whose finalizer is gone from uncountedTerminatedPods into the counters.</summary>
    private static bool CountReleased(JobStatus status, HashSet<string> withFinalizer)
    {
        var uncounted = status.UncountedTerminatedPods ??= new UncountedTerminatedPods();
        var succeeded = uncounted.Succeeded ?? [];
        var failed = uncounted.Failed ?? [];
        var stillSucceeded = succeeded.Where(withFinalizer.Contains).ToList();
        var stillFailed = failed.Where(withFinalizer.Contains).ToList();
        if (stillSucceeded.Count == succeeded.Count && stillFailed.Count == failed.Count)
        {
            return false;
        }

        status.Succeeded = (status.Succeeded ?? 0) + succeeded.Count - stillSucceeded.Count;
        status.Failed = (status.Failed ?? 0) + failed.Count - stillFailed.Count;
        uncounted.Succeeded = stillSucceeded;
        uncounted.Failed = stillFailed;
        return true;
    }

    /// <summary>Adds Complete or Failed once every finished pod is counted and none is still terminating.</summary>
    private static bool FinishIfDone(BatchJob job, JobSync sync)
    {
        var uncounted = job.Status!.UncountedTerminatedPods;
        if (sync.Finished is not { } condition || (uncounted?.Succeeded?.Count ?? 0) + (uncounted?.Failed?.Count ?? 0) > 0 || sync.Terminating > 0)
        {
            return false;
        }

        SetCondition(job, condition.Type!, "True", condition.Reason ?? "", condition.Message ?? "", sync.Now);
        if (condition.Type == JobConditionComplete)
        {
            job.Status.CompletionTime = sync.Now;
        }

        return true;
    }

    private void RecordFinished(BatchJob job, JobCondition condition)
    {
        if (condition.Type == JobConditionComplete)
        {
            if (job.Spec?.Completions is { } completions && (job.Status?.Succeeded ?? 0) > completions)
            {
                _events.Record(Reference(job), "Warning", "TooManySucceededPods", "Too many succeeded pods running after completion count reached");
            }

            _events.Record(Reference(job), "Normal", "Completed", "Job completed");
        }
        else
        {
            _events.Record(Reference(job), "Warning", condition.Reason ?? "", condition.Message ?? "");
        }

        LogFinished(_logger, job.Metadata?.Namespace ?? "", job.Metadata?.Name ?? "", condition.Type ?? "", condition.Reason ?? "");
    }

    /// <summary>Creates or deletes pods so the active ones match what the Job still needs.</summary>
    private async Task<Exception?> ManageAsync(string key, BatchJob job, JobSync sync, JobPodBackoff backoff, CancellationToken cancellationToken)
    {
        var spec = job.Spec!;
        var active = sync.ActivePods;
        if (spec.Suspend == true)
        {
            var (deleted, deletedReady, error) = await DeletePodsAsync(job, active, keepFinalizers: false, cancellationToken, key).ConfigureAwait(false);
            sync.Active -= deleted;
            sync.Ready -= deletedReady;
            sync.Terminating += deleted;
            return error;
        }

        var parallelism = spec.Parallelism ?? 1;
        int wantActive;
        if (spec.Completions is { } completions)
        {
            wantActive = Math.Max(0, Math.Min(completions - sync.Succeeded, parallelism));
        }
        else
        {
            wantActive = sync.Succeeded > 0 ? active.Count : parallelism;
        }

        var surplus = sync.Indexed ? SurplusIndexedPods(job, sync) : [];
        var remaining = active.Except(surplus).ToList();
        if (remaining.Count > wantActive)
        {
            surplus.AddRange(RemovalOrder(remaining).Take(remaining.Count - wantActive));
        }

        if (surplus.Count > 0)
        {
            var (deleted, deletedReady, error) = await DeletePodsAsync(job, surplus, keepFinalizers: false, cancellationToken, key).ConfigureAwait(false);
            sync.Active -= deleted;
            sync.Ready -= deletedReady;
            sync.Terminating += deleted;
            return error;
        }

        var missing = wantActive - active.Count;
        if (missing <= 0)
        {
            return null;
        }

        if (backoff.Remaining(sync.Now) is var wait && wait > TimeSpan.Zero)
        {
            RequeueAfter(key, wait);
            return null;
        }

        var indexes = sync.Indexed ? PendingIndexes(job, sync, missing) : Enumerable.Repeat(-1, missing).ToList();
        _expectations.Expect(key, indexes.Count, 0);
        for (var i = 0; i < indexes.Count; i++)
        {
            try
            {
                var created = await _client.CreateAsync(ResourcePath.For<Pod>(job.Metadata!.Namespace), NewPod(job, indexes[i]), cancellationToken).ConfigureAwait(false);
                sync.Active++;
                _events.Record(Reference(job), "Normal", "SuccessfulCreate", $"Created pod: {created.Metadata?.Name}");
            }
            catch (ApiError e)
            {
                // The rest will not be created (and so never observed) in this sync.
                for (var j = i; j < indexes.Count; j++)
                {
                    _expectations.CreationFailed(key);
                }

                _events.Record(Reference(job), "Warning", "FailedCreate", $"Error creating: {e.Message}");
                return e;
            }
        }

        return null;
    }

    /// <summary>Active pods of an Indexed Job that must go: no valid index, an index already succeeded, or a duplicate.</summary>
    private static List<Pod> SurplusIndexedPods(BatchJob job, JobSync sync)
    {
        var completions = job.Spec!.Completions ?? 0;
        var surplus = new List<Pod>();
        foreach (var group in sync.ActivePods.GroupBy(JobPods.CompletionIndex))
        {
            if (group.Key < 0 || group.Key >= completions || sync.SucceededIndexes.Contains(group.Key))
            {
                surplus.AddRange(group);
            }
            else
            {
                surplus.AddRange(RemovalOrder(group).SkipLast(1));
            }
        }

        return surplus;
    }

    /// <summary>The lowest indexes that have neither succeeded nor an active pod.</summary>
    private static List<int> PendingIndexes(BatchJob job, JobSync sync, int count)
    {
        var taken = sync.ActivePods.Select(JobPods.CompletionIndex).ToHashSet();
        return Enumerable.Range(0, job.Spec!.Completions ?? 0)
            .Where(i => !sync.SucceededIndexes.Contains(i) && !taken.Contains(i))
            .Take(count).ToList();
    }

    /// <summary>Which pods to delete first: unscheduled, then not ready, then the newest.</summary>
    private static IEnumerable<Pod> RemovalOrder(IEnumerable<Pod> pods) =>
        pods.OrderBy(p => string.IsNullOrEmpty(p.Spec?.NodeName) ? 0 : 1)
            .ThenBy(p => JobPods.Ready(p) ? 1 : 0)
            .ThenByDescending(p => p.Metadata?.CreationTimestamp ?? DateTimeOffset.MinValue);

    private Pod NewPod(BatchJob job, int index)
    {
        var template = Clone(job.Spec!.Template ?? new PodTemplateSpec());
        var meta = template.Metadata ?? new ObjectMeta();
        var spec = template.Spec ?? new PodSpec();
        var name = job.Metadata!.Name!;
        var pod = new Pod
        {
            Metadata = new ObjectMeta
            {
                GenerateName = index >= 0 ? $"{name}-{index}-" : $"{name}-",
                Namespace = job.Metadata.Namespace,
                Labels = meta.Labels is null ? [] : new Dictionary<string, string>(meta.Labels, StringComparer.Ordinal),
                Annotations = meta.Annotations is null ? null : new Dictionary<string, string>(meta.Annotations, StringComparer.Ordinal),
                Finalizers = [JobPods.TrackingFinalizer],
                OwnerReferences = [OwnerReferences.ControllerReference(job)],
            },
            Spec = spec,
        };

        if (index >= 0)
        {
            var text = index.ToString(CultureInfo.InvariantCulture);
            (pod.Metadata.Annotations ??= [])[JobPods.CompletionIndexKey] = text;
            pod.Metadata.Labels![JobPods.CompletionIndexKey] = text;
            if (string.IsNullOrEmpty(spec.Hostname))
            {
                spec.Hostname = $"{name}-{text}";
            }

            foreach (var container in (spec.InitContainers ?? []).Concat(spec.Containers ?? []))
            {
                if (container.Env?.Any(e => e.Name == JobPods.CompletionIndexEnv) == true)
                {
                    continue;
                }

                (container.Env ??= []).Add(new EnvVar
                {
                    Name = JobPods.CompletionIndexEnv,
                    ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { ApiVersion = "v1", FieldPath = $"metadata.annotations['{JobPods.CompletionIndexKey}']" } },
                });
            }
        }

        return pod;
    }

    /// <summary>
    /// Deletes pods. Pods the Job still has to count keep their finalizer (a failing Job counts them as failed);
    /// pods deleted to suspend or scale down lose it first, so they are never counted.
    /// </summary>
    private async Task<(int Deleted, int DeletedReady, Exception? Error)> DeletePodsAsync(BatchJob job, IReadOnlyList<Pod> pods, bool keepFinalizers, CancellationToken cancellationToken, string? key = null)
    {
        if (key is not null)
        {
            _expectations.Expect(key, 0, pods.Count);
        }

        int deleted = 0, deletedReady = 0;
        Exception? error = null;
        foreach (var pod in pods)
        {
            try
            {
                if (!keepFinalizers && JobPods.HasTrackingFinalizer(pod))
                {
                    await PatchOutFinalizerAsync(pod, cancellationToken).ConfigureAwait(false);
                }

                var path = ResourcePath.For<Pod>(pod.Metadata!.Namespace, pod.Metadata.Name);
                if (await _client.DeleteAsync(path, null, cancellationToken).ConfigureAwait(false))
                {
                    _events.Record(Reference(job), "Normal", "SuccessfulDelete", $"Deleted pod: {pod.Metadata.Name}");
                }
                else if (key is not null)
                {
                    _expectations.DeletionFailed(key);
                }

                deleted++;
                deletedReady += JobPods.Ready(pod) ? 1 : 0;
            }
            catch (ApiError e)
            {
                if (key is not null)
                {
                    _expectations.DeletionFailed(key);
                }

                _events.Record(Reference(job), "Warning", "FailedDelete", $"Error deleting: {e.Message}");
                error = e;
            }
        }

        return (deleted, deletedReady, error);
    }

    /// <summary>Removes our finalizer from the pods; returns the uids released (gone pods count as released).</summary>
    private async Task<(HashSet<string> Released, Exception? Error)> RemoveFinalizersAsync(string key, IReadOnlyList<Pod> pods, CancellationToken cancellationToken)
    {
        var released = new HashSet<string>(StringComparer.Ordinal);
        Exception? error = null;
        foreach (var pod in pods)
        {
            try
            {
                await PatchOutFinalizerAsync(pod, cancellationToken).ConfigureAwait(false);
                released.Add(pod.Metadata!.Uid!);
            }
            catch (ApiError e) when (e.IsNotFound)
            {
                released.Add(pod.Metadata!.Uid!);
            }
            catch (ApiError e)
            {
                // Not expected to be observed any more; the next sync tries again.
                FinalizerRemovalObserved(key, pod);
                error = e;
            }
        }

        return (released, error);
    }

    private Task<Pod> PatchOutFinalizerAsync(Pod pod, CancellationToken cancellationToken)
    {
        // A JSON patch that tests the entry first: it removes exactly our finalizer, and fails (to be retried) if the
        // list changed meanwhile, without overwriting finalizers other controllers added.
        var index = (pod.Metadata!.Finalizers ?? []).IndexOf(JobPods.TrackingFinalizer);
        var patch = $$"""[{"op":"test","path":"/metadata/finalizers/{{index}}","value":"{{JobPods.TrackingFinalizer}}"},{"op":"remove","path":"/metadata/finalizers/{{index}}"}]""";
        return _client.PatchAsync<Pod>(ResourcePath.For<Pod>(pod.Metadata.Namespace, pod.Metadata.Name), KubeClient.JsonPatch, patch, cancellationToken);
    }

    /// <summary>A pod with our finalizer whose Job is gone: release it, after checking the Job really is gone.</summary>
    private async Task ReleaseOrphanAsync(string podKey, CancellationToken cancellationToken)
    {
        if (_pods.Get(podKey) is not { } pod || !JobPods.HasTrackingFinalizer(pod))
        {
            return;
        }

        if (OwnerReferences.ControllerOf(pod.Metadata) is { Kind: "Job" } owner)
        {
            var job = await _client.GetAsync<BatchJob>(ResourcePath.For<BatchJob>(pod.Metadata!.Namespace, owner.Name), cancellationToken).ConfigureAwait(false);
            if (job?.Metadata is { } meta && meta.Uid == owner.Uid && meta.DeletionTimestamp is null)
            {
                return;
            }
        }

        try
        {
            await PatchOutFinalizerAsync(pod, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiError e) when (e.IsNotFound)
        {
            // Already gone.
        }
    }

    /// <summary>ttlSecondsAfterFinished: delete the finished Job (its pods follow by garbage collection) once the TTL passed.</summary>
    private async Task ExpireAsync(string key, BatchJob job, CancellationToken cancellationToken)
    {
        if (job.Spec?.TtlSecondsAfterFinished is not { } ttl || job.Metadata?.DeletionTimestamp is not null || FinishedAt(job) is not { } finishedAt)
        {
            return;
        }

        var expiresIn = finishedAt + TimeSpan.FromSeconds(ttl) - _time.GetUtcNow();
        if (expiresIn > TimeSpan.Zero)
        {
            RequeueAfter(key, expiresIn);
            return;
        }

        var options = new DeleteOptions { PropagationPolicy = "Background", Preconditions = new Preconditions { Uid = job.Metadata?.Uid } };
        try
        {
            if (await _client.DeleteAsync(ResourcePath.For<BatchJob>(job.Metadata!.Namespace, job.Metadata.Name), options, cancellationToken).ConfigureAwait(false))
            {
                LogExpired(_logger, job.Metadata.Namespace ?? "", job.Metadata.Name ?? "");
            }
        }
        catch (ApiError e) when (e.IsConflict)
        {
            // Another Job of the same name now: not ours to delete.
        }
    }

    private static DateTimeOffset? FinishedAt(BatchJob job) =>
        job.Status?.CompletionTime ??
        job.Status?.Conditions?.FirstOrDefault(c => c.Type is JobConditionComplete or JobConditionFailed && c.Status == "True")?.LastTransitionTime;

    private async Task<BatchJob> WriteStatusAsync(BatchJob job, CancellationToken cancellationToken)
    {
        var path = ResourcePath.For<BatchJob>(job.Metadata!.Namespace, job.Metadata.Name, "status");
        var written = await _client.ReplaceAsync(path, job, cancellationToken).ConfigureAwait(false);
        // A write that changed nothing keeps its version (as upstream), so that version is not superseded.
        if (job.Metadata.ResourceVersion is { } replaced && replaced != written.Metadata?.ResourceVersion)
        {
            _supersededVersions.GetOrAdd(Informer<BatchJob>.KeyOf(job), _ => new HashSet<string>(StringComparer.Ordinal)).Add(replaced);
        }

        return written;
    }

    private bool IsOlderThanOwnWrite(string key, BatchJob cached)
    {
        if (!_supersededVersions.TryGetValue(key, out var superseded))
        {
            return false;
        }

        if (superseded.Contains(cached.Metadata?.ResourceVersion ?? ""))
        {
            return true;
        }

        // The cache has caught up with (or passed) every version we wrote.
        _supersededVersions.TryRemove(key, out _);
        return false;
    }

    private bool UpdateSuspendedCondition(BatchJob job, bool suspended, DateTimeOffset now)
    {
        if (suspended)
        {
            if (!SetCondition(job, JobConditionSuspended, "True", "JobSuspended", "Job suspended", now))
            {
                return false;
            }

            _events.Record(Reference(job), "Normal", "Suspended", "Job suspended");
            return true;
        }

        // Only a Job that was suspended gets the condition flipped to False.
        if (job.Status?.Conditions?.Any(c => c.Type == JobConditionSuspended) != true ||
            !SetCondition(job, JobConditionSuspended, "False", "JobResumed", "Job resumed", now))
        {
            return false;
        }

        _events.Record(Reference(job), "Normal", "Resumed", "Job resumed");

        // activeDeadlineSeconds counts time continuously active, so a resumed Job starts its clock again.
        job.Status!.StartTime = now;
        return true;
    }

    /// <summary>Sets a condition; false when it already had this status, reason and message.</summary>
    private static bool SetCondition(BatchJob job, string type, string status, string reason, string message, DateTimeOffset now)
    {
        var conditions = job.Status!.Conditions ??= [];
        var existing = conditions.FirstOrDefault(c => c.Type == type);
        if (existing is null)
        {
            conditions.Add(NewCondition(type, reason, message, now, status));
            return true;
        }

        if (existing.Status == status && existing.Reason == reason && existing.Message == message)
        {
            return false;
        }

        if (existing.Status != status)
        {
            existing.LastTransitionTime = now;
        }

        existing.Status = status;
        existing.Reason = reason;
        existing.Message = message;
        existing.LastProbeTime = now;
        return true;
    }

    private static JobCondition NewCondition(string type, string reason, string message, DateTimeOffset now, string status = "True") =>
        new() { Type = type, Status = status, Reason = reason, Message = message, LastProbeTime = now, LastTransitionTime = now };

    /// <summary>An interim condition written by an earlier sync decides the outcome.</summary>
    private static JobCondition? ExistingInterimCondition(BatchJob job)
    {
        var conditions = job.Status?.Conditions ?? [];
        return conditions.FirstOrDefault(c => c.Type == JobConditionSuccessCriteriaMet && c.Status == "True")
            ?? conditions.FirstOrDefault(c => c.Type == JobConditionFailureTarget && c.Status == "True");
    }

    private static bool HasTrueCondition(BatchJob job, string type) =>
        job.Status?.Conditions?.Any(c => c.Type == type && c.Status == "True") == true;

    public static bool IsFinished(BatchJob job) =>
        job.Status?.Conditions?.Any(c => c.Type is JobConditionComplete or JobConditionFailed && c.Status == "True") == true;

    /// <summary>restartPolicy OnFailure: container restarts of running pods count against backoffLimit.</summary>
    private static bool PastBackoffLimitOnFailure(BatchJob job, IReadOnlyList<Pod> pods)
    {
        if (job.Spec?.Template?.Spec?.RestartPolicy != "OnFailure")
        {
            return false;
        }

        var restarts = pods.Where(p => p.Status?.Phase is "Running" or "Pending")
            .Sum(p => (p.Status!.InitContainerStatuses ?? []).Concat(p.Status.ContainerStatuses ?? []).Sum(s => s.RestartCount ?? 0));
        var limit = job.Spec.BackoffLimit ?? 6;
        return limit == 0 ? restarts > 0 : restarts >= limit;
    }

    private static bool PastActiveDeadline(BatchJob job, DateTimeOffset now) =>
        job.Spec?.ActiveDeadlineSeconds is { } deadline && job.Status?.StartTime is { } started && job.Spec.Suspend != true &&
        now - started >= TimeSpan.FromSeconds(deadline);

    private List<Pod> OwnedPods(BatchJob job) =>
        _pods.List().Where(p => p.Metadata?.Namespace == job.Metadata!.Namespace && OwnerReferences.IsControlledBy(p.Metadata, job.Metadata)).ToList();

    private void RequeueAfter(string key, TimeSpan delay) => _queue.AddAfter(key, delay, _time, _stopping);

    private static ObjectReference Reference(BatchJob job) => new()
    {
        ApiVersion = BatchJob.GroupVersionKind.ApiVersion,
        Kind = BatchJob.GroupVersionKind.Kind,
        Namespace = job.Metadata?.Namespace,
        Name = job.Metadata?.Name,
        Uid = job.Metadata?.Uid,
        ResourceVersion = job.Metadata?.ResourceVersion,
    };

    private static T Clone<T>(T value) => ModelJson.Deserialize<T>(ModelJson.Serialize(value))!;

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Namespace}/{Name} finished: {Condition} ({Reason})")]
    private static partial void LogFinished(ILogger logger, string @namespace, string name, string condition, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted Job {Namespace}/{Name}: ttlSecondsAfterFinished expired")]
    private static partial void LogExpired(ILogger logger, string @namespace, string name);

    /// <summary>What one sync learned about a Job and its pods.</summary>
    private sealed class JobSync(BatchJob job, List<Pod> pods, DateTimeOffset now)
    {
        public List<Pod> Pods { get; } = pods;

        public DateTimeOffset Now { get; } = now;

        public bool Indexed { get; } = job.Spec?.CompletionMode == "Indexed";

        public List<Pod> ActivePods { get; } = pods.Where(JobPods.Active).ToList();

        public int Active { get; set; } = pods.Count(JobPods.Active);

        public int Ready { get; set; } = pods.Count(p => JobPods.Active(p) && JobPods.Ready(p));

        public int Terminating { get; set; } = pods.Count(JobPods.Terminating);

        public int Succeeded { get; set; }

        public int Failed { get; set; }

        public SortedSet<int> PreviousIndexes { get; set; } = [];

        public SortedSet<int> SucceededIndexes { get; set; } = [];

        public JobCondition? Finished { get; set; }
    }
}
