using Shim.Model.Apps.V1;
using DeploymentKind = Shim.Model.Apps.V1.Deployment;

namespace Shim.Controllers.Deployments;

/// <summary>Deployment condition types, reasons and the progress checks, as upstream's deployment util.</summary>
public static class DeploymentConditions
{
    public const string Progressing = "Progressing";
    public const string Available = "Available";
    public const string ReplicaFailure = "ReplicaFailure";

    public const string NewReplicaSetCreated = "NewReplicaSetCreated";
    public const string FoundNewReplicaSet = "FoundNewReplicaSet";
    public const string ReplicaSetUpdated = "ReplicaSetUpdated";
    public const string NewReplicaSetAvailable = "NewReplicaSetAvailable";
    public const string ProgressDeadlineExceeded = "ProgressDeadlineExceeded";
    public const string FailedReplicaSetCreate = "ReplicaSetCreateError";
    public const string DeploymentPaused = "DeploymentPaused";
    public const string DeploymentResumed = "DeploymentResumed";
    public const string MinimumReplicasAvailable = "MinimumReplicasAvailable";
    public const string MinimumReplicasUnavailable = "MinimumReplicasUnavailable";

    public static DeploymentCondition? Get(DeploymentStatus? status, string type) =>
        status?.Conditions?.FirstOrDefault(c => c.Type == type);

    public static DeploymentCondition Create(string type, string status, string reason, string message, DateTimeOffset now) => new()
    {
        Type = type,
        Status = status,
        Reason = reason,
        Message = message,
        LastUpdateTime = WholeSeconds(now),
        LastTransitionTime = WholeSeconds(now),
    };

    /// <summary>
    /// Sets a condition unless one with the same status and reason exists; keeps lastTransitionTime when only the
    /// reason changes. The new condition goes last, as upstream.
    /// </summary>
    public static void Set(DeploymentStatus status, DeploymentCondition condition)
    {
        var current = Get(status, condition.Type!);
        if (current is not null && current.Status == condition.Status && current.Reason == condition.Reason)
        {
            return;
        }

        if (current is not null && current.Status == condition.Status)
        {
            condition.LastTransitionTime = current.LastTransitionTime;
        }

        status.Conditions = [.. (status.Conditions ?? []).Where(c => c.Type != condition.Type), condition];
    }

    public static void Remove(DeploymentStatus status, string type)
    {
        if (status.Conditions is null)
        {
            return;
        }

        status.Conditions = status.Conditions.Where(c => c.Type != type).ToList();
        if (status.Conditions.Count == 0)
        {
            status.Conditions = null;
        }
    }

    public static bool HasProgressDeadline(DeploymentKind d) =>
        d.Spec?.ProgressDeadlineSeconds is { } seconds && seconds != int.MaxValue;

    /// <summary>All replicas updated and available, and the latest spec observed.</summary>
    public static bool Complete(DeploymentKind d, DeploymentStatus status)
    {
        var replicas = d.Spec?.Replicas ?? 1;
        return (status.UpdatedReplicas ?? 0) == replicas && (status.Replicas ?? 0) == replicas
            && (status.AvailableReplicas ?? 0) == replicas && (status.ObservedGeneration ?? 0) >= (d.Metadata?.Generation ?? 0);
    }

    /// <summary>More updated, ready or available replicas, or fewer old ones, than the last recorded status.</summary>
    public static bool MadeProgress(DeploymentKind d, DeploymentStatus status)
    {
        var old = d.Status ?? new DeploymentStatus();
        var oldOld = (old.Replicas ?? 0) - (old.UpdatedReplicas ?? 0);
        var newOld = (status.Replicas ?? 0) - (status.UpdatedReplicas ?? 0);
        return (status.UpdatedReplicas ?? 0) > (old.UpdatedReplicas ?? 0)
            || newOld < oldOld
            || (status.ReadyReplicas ?? 0) > (old.ReadyReplicas ?? 0)
            || (status.AvailableReplicas ?? 0) > (old.AvailableReplicas ?? 0);
    }

    /// <summary>No progress recorded for progressDeadlineSeconds since the Progressing condition last changed.</summary>
    public static bool TimedOut(DeploymentKind d, DeploymentStatus status, DateTimeOffset now)
    {
        if (!HasProgressDeadline(d) || Get(status, Progressing) is not { } condition)
        {
            return false;
        }

        if (condition.Reason == NewReplicaSetAvailable)
        {
            return false;
        }

        if (condition.Reason == ProgressDeadlineExceeded)
        {
            return true;
        }

        return condition.LastUpdateTime is { } from && from.AddSeconds(d.Spec!.ProgressDeadlineSeconds!.Value) < now;
    }

    public static DateTimeOffset WholeSeconds(DateTimeOffset time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), time.Offset);
}
