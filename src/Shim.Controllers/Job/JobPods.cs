using System.Globalization;
using Shim.Model.Core.V1;

namespace Shim.Controllers.Job;

/// <summary>How the Job controller reads its pods: phases, the tracking finalizer, completion indexes, readiness.</summary>
internal static class JobPods
{
    public const string TrackingFinalizer = "batch.kubernetes.io/job-tracking";
    public const string CompletionIndexKey = "batch.kubernetes.io/job-completion-index";
    public const string CompletionIndexEnv = "JOB_COMPLETION_INDEX";

    public static bool Succeeded(Pod pod) => pod.Status?.Phase == "Succeeded";

    public static bool Finished(Pod pod) => pod.Status?.Phase is "Succeeded" or "Failed";

    /// <summary>Running or pending and not being deleted.</summary>
    public static bool Active(Pod pod) => !Finished(pod) && pod.Metadata?.DeletionTimestamp is null;

    public static bool Terminating(Pod pod) => !Finished(pod) && pod.Metadata?.DeletionTimestamp is not null;

    /// <summary>
    /// As upstream: a Failed pod, or (unless only failed pods are replaced) a pod deleted before it succeeded, since
    /// such a pod may never reach the Failed phase.
    /// </summary>
    public static bool Failed(Pod pod, Model.Batch.V1.Job job)
    {
        if (pod.Status?.Phase == "Failed")
        {
            return true;
        }

        return job.Spec?.PodReplacementPolicy != "Failed" && pod.Metadata?.DeletionTimestamp is not null && !Succeeded(pod);
    }

    public static bool HasTrackingFinalizer(Pod pod) => pod.Metadata?.Finalizers?.Contains(TrackingFinalizer) == true;

    public static bool Ready(Pod pod) =>
        pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    /// <summary>The completion index from the pod's annotation, or -1 when absent or malformed.</summary>
    public static int CompletionIndex(Pod pod) =>
        pod.Metadata?.Annotations?.GetValueOrDefault(CompletionIndexKey) is { } text &&
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : -1;

    /// <summary>When the pod finished: its last container termination, else its deletion, else <paramref name="now"/>.</summary>
    public static DateTimeOffset FinishedAt(Pod pod, DateTimeOffset now)
    {
        var finished = (pod.Status?.ContainerStatuses ?? []).Select(s => s.State?.Terminated?.FinishedAt).Where(t => t is not null).Max();
        return finished ?? pod.Metadata?.DeletionTimestamp ?? now;
    }
}
