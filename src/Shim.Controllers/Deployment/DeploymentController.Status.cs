using Shim.Controllers.Runtime;
using Shim.Client;
using Shim.Controllers.ReplicaSets;
using Shim.Model.Apps.V1;
using DeploymentKind = Shim.Model.Apps.V1.Deployment;
using ReplicaSetKind = Shim.Model.Apps.V1.ReplicaSet;

namespace Shim.Controllers.Deployments;

/// <summary>The Deployment's status and conditions: counts from its ReplicaSets, progress against the deadline, pause.</summary>
public sealed partial class DeploymentController
{
    /// <summary>
    /// Pausing and resuming reset the Progressing condition (status Unknown), so time spent paused never counts
    /// against the progress deadline. A reported timeout is left alone.
    /// </summary>
    private async Task CheckPausedConditionsAsync(DeploymentSyncState state, CancellationToken cancellationToken)
    {
        var d = state.Deployment;
        if (!DeploymentConditions.HasProgressDeadline(d))
        {
            return;
        }

        var current = DeploymentConditions.Get(d.Status, DeploymentConditions.Progressing);
        if (current?.Reason == DeploymentConditions.ProgressDeadlineExceeded)
        {
            return;
        }

        var pausedRecorded = current?.Reason == DeploymentConditions.DeploymentPaused;
        var paused = d.Spec?.Paused == true;
        if (paused && !pausedRecorded)
        {
            SetCondition(d, DeploymentConditions.Progressing, "Unknown", DeploymentConditions.DeploymentPaused, "Deployment is paused");
        }
        else if (!paused && pausedRecorded)
        {
            SetCondition(d, DeploymentConditions.Progressing, "Unknown", DeploymentConditions.DeploymentResumed, "Deployment is resumed");
        }
        else
        {
            return;
        }

        await WriteStatusAsync(state, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Counts and the Available condition, keeping the other conditions as they are.</summary>
    private async Task SyncDeploymentStatusAsync(DeploymentSyncState state, List<ReplicaSetKind?> all, ReplicaSetKind? newRs, CancellationToken cancellationToken)
    {
        state.Deployment.Status = CalculateStatus(state.Deployment, all, newRs);
        await WriteStatusAsync(state, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Counts plus the Progressing condition: NewReplicaSetAvailable once complete, ReplicaSetUpdated on any progress,
    /// ProgressDeadlineExceeded when none came within progressDeadlineSeconds; a ReplicaSet's ReplicaFailure is
    /// surfaced. When nothing changed, the Deployment is looked at again when its deadline falls due.
    /// </summary>
    private async Task SyncRolloutStatusAsync(DeploymentSyncState state, List<ReplicaSetKind?> all, ReplicaSetKind? newRs, CancellationToken cancellationToken)
    {
        var d = state.Deployment;
        var now = _time.GetUtcNow();
        var status = CalculateStatus(d, all, newRs);
        if (!DeploymentConditions.HasProgressDeadline(d))
        {
            DeploymentConditions.Remove(status, DeploymentConditions.Progressing);
        }

        var current = DeploymentConditions.Get(d.Status, DeploymentConditions.Progressing);
        var completeBefore = status.Replicas == status.UpdatedReplicas && current?.Reason == DeploymentConditions.NewReplicaSetAvailable;
        if (DeploymentConditions.HasProgressDeadline(d) && !completeBefore)
        {
            var subject = newRs is null ? $"Deployment \"{d.Metadata!.Name}\"" : $"ReplicaSet \"{newRs.Metadata!.Name}\"";
            if (DeploymentConditions.Complete(d, status))
            {
                DeploymentConditions.Set(status, DeploymentConditions.Create(DeploymentConditions.Progressing, "True", DeploymentConditions.NewReplicaSetAvailable, $"{subject} has successfully progressed.", now));
            }
            else if (DeploymentConditions.MadeProgress(d, status))
            {
                // Progress refreshes lastUpdateTime even with an unchanged reason; lastTransitionTime stays while True.
                var condition = DeploymentConditions.Create(DeploymentConditions.Progressing, "True", DeploymentConditions.ReplicaSetUpdated, $"{subject} is progressing.", now);
                if (current is not null)
                {
                    if (current.Status == "True")
                    {
                        condition.LastTransitionTime = current.LastTransitionTime;
                    }

                    DeploymentConditions.Remove(status, DeploymentConditions.Progressing);
                }

                DeploymentConditions.Set(status, condition);
            }
            else if (DeploymentConditions.TimedOut(d, status, now))
            {
                DeploymentConditions.Set(status, DeploymentConditions.Create(DeploymentConditions.Progressing, "False", DeploymentConditions.ProgressDeadlineExceeded, $"{subject} has timed out progressing.", now));
            }
        }

        if (ReplicaFailure(all, newRs) is { } failure)
        {
            DeploymentConditions.Set(status, failure);
        }
        else
        {
            DeploymentConditions.Remove(status, DeploymentConditions.ReplicaFailure);
        }

        d.Status = status;
        if (!await WriteStatusAsync(state, cancellationToken).ConfigureAwait(false))
        {
            RequeueAtDeadline(d, status, now);
        }
    }

    private DeploymentStatus CalculateStatus(DeploymentKind d, List<ReplicaSetKind?> all, ReplicaSetKind? newRs)
    {
        var available = RolloutMath.AvailableReplicas(all);
        var status = d.Status is null ? new DeploymentStatus() : ModelCopy.Of(d.Status);
        status.ObservedGeneration = d.Metadata?.Generation;
        status.Replicas = NonZero(RolloutMath.StatusReplicas(all));
        status.UpdatedReplicas = NonZero(newRs?.Status?.Replicas ?? 0);
        status.ReadyReplicas = NonZero(RolloutMath.ReadyReplicas(all));
        status.AvailableReplicas = NonZero(available);
        status.UnavailableReplicas = NonZero(Math.Max(0, RolloutMath.SpecReplicas(all) - available));
        var now = _time.GetUtcNow();
        if (available >= RolloutMath.Replicas(d) - RolloutMath.MaxUnavailable(d))
        {
            DeploymentConditions.Set(status, DeploymentConditions.Create(DeploymentConditions.Available, "True", DeploymentConditions.MinimumReplicasAvailable, "Deployment has minimum availability.", now));
        }
        else
        {
            DeploymentConditions.Set(status, DeploymentConditions.Create(DeploymentConditions.Available, "False", DeploymentConditions.MinimumReplicasUnavailable, "Deployment does not have minimum availability.", now));
        }

        return status;
    }

    /// <summary>The first ReplicaFailure of the new ReplicaSet, else of an old one, as a Deployment condition.</summary>
    private static DeploymentCondition? ReplicaFailure(List<ReplicaSetKind?> all, ReplicaSetKind? newRs)
    {
        var ordered = newRs is null ? all : all.Where(rs => rs?.Metadata?.Uid != newRs.Metadata?.Uid).Prepend(newRs);
        foreach (var rs in ordered)
        {
            if (rs?.Status?.Conditions?.FirstOrDefault(c => c.Type == DeploymentConditions.ReplicaFailure) is { } c)
            {
                return new DeploymentCondition
                {
                    Type = c.Type,
                    Status = c.Status,
                    Reason = c.Reason,
                    Message = c.Message,
                    LastTransitionTime = c.LastTransitionTime,
                    LastUpdateTime = c.LastTransitionTime,
                };
            }
        }

        return null;
    }

    /// <summary>A rollout without news may still time out: look again when lastUpdateTime + deadline passes.</summary>
    private void RequeueAtDeadline(DeploymentKind d, DeploymentStatus status, DateTimeOffset now)
    {
        var current = DeploymentConditions.Get(d.Status, DeploymentConditions.Progressing);
        if (!DeploymentConditions.HasProgressDeadline(d) || current?.LastUpdateTime is not { } updated
            || DeploymentConditions.Complete(d, status) || current.Reason == DeploymentConditions.ProgressDeadlineExceeded)
        {
            return;
        }

        var after = updated.AddSeconds(d.Spec!.ProgressDeadlineSeconds!.Value) - now;
        // Timing out needs the deadline strictly passed, and times are whole seconds: one more second is enough.
        _queue.AddAfter(Informer<DeploymentKind>.KeyOf(d), after < TimeSpan.Zero ? TimeSpan.FromSeconds(1) : after + TimeSpan.FromSeconds(1));
    }

    private void SetCondition(DeploymentKind d, string type, string status, string reason, string message) =>
        DeploymentConditions.Set(d.Status ??= new DeploymentStatus(), DeploymentConditions.Create(type, status, reason, message, _time.GetUtcNow()));

    /// <summary>Patches the status subresource with what changed since the last write; false when nothing did.</summary>
    private async Task<bool> WriteStatusAsync(DeploymentSyncState state, CancellationToken cancellationToken)
    {
        var d = state.Deployment;
        var status = d.Status ?? new DeploymentStatus();
        if (StatusPatch.Between(state.Written, status) is not { } patch)
        {
            return false;
        }

        var path = ResourcePath.For<DeploymentKind>(d.Metadata!.Namespace, d.Metadata.Name, "status");
        RememberWrite(await _client.PatchAsync<DeploymentKind>(path, KubeClient.MergePatch, patch, cancellationToken).ConfigureAwait(false));
        state.Written = ModelCopy.Of(status);
        return true;
    }

    private static int? NonZero(int value) => value == 0 ? null : value;
}
