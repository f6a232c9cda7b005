using Shim.Model.Core.V1;

namespace Shim.Controllers.Runtime;

/// <summary>The pod facts workload controllers count by, as upstream's podutil (IsPodReady, IsPodAvailable, FilterActivePods).</summary>
public static class PodStates
{
    /// <summary>Neither terminating nor finished: the pods a controller counts towards its replicas.</summary>
    public static bool IsActive(Pod pod) =>
        pod.Metadata?.DeletionTimestamp is null && pod.Status?.Phase is not ("Succeeded" or "Failed");

    public static bool IsReady(Pod pod) => ReadyCondition(pod)?.Status == "True";

    public static bool IsRunningAndReady(Pod pod) => pod.Status?.Phase == "Running" && IsReady(pod);

    public static bool IsTerminating(Pod pod) => pod.Metadata?.DeletionTimestamp is not null;

    public static bool IsFinished(Pod pod) => pod.Status?.Phase is "Failed" or "Succeeded";

    /// <summary>When the pod last turned ready (null when not ready or unknown).</summary>
    public static DateTimeOffset? ReadySince(Pod pod) =>
        ReadyCondition(pod) is { Status: "True" } ready ? ready.LastTransitionTime : null;

    /// <summary>Ready for at least minReadySeconds (strictly longer, as upstream).</summary>
    public static bool IsAvailable(Pod pod, int minReadySeconds, DateTimeOffset now)
    {
        if (!IsReady(pod))
        {
            return false;
        }

        if (minReadySeconds == 0)
        {
            return true;
        }

        return ReadySince(pod) is { } since && since.AddSeconds(minReadySeconds) < now;
    }

    /// <summary>When a ready but not yet available pod will become available; null when that is not pending.</summary>
    public static DateTimeOffset? AvailableAt(Pod pod, int minReadySeconds, DateTimeOffset now) =>
        minReadySeconds > 0 && ReadySince(pod) is { } since && !IsAvailable(pod, minReadySeconds, now) ? since.AddSeconds(minReadySeconds) : null;

    /// <summary>How long until a ready pod becomes available (at least a tick: availability is strictly after); null when that is not pending.</summary>
    public static TimeSpan? UntilAvailable(Pod pod, int minReadySeconds, DateTimeOffset now) =>
        AvailableAt(pod, minReadySeconds, now) is { } at ? TimeSpan.FromTicks(Math.Max((at - now).Ticks + 1, 1)) : null;

    private static PodCondition? ReadyCondition(Pod pod) => pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
}
