using Shim.Model.Core.V1;

namespace Shim.Controllers.StatefulSet;

/// <summary>Pod states the workload controllers act on, with upstream's meanings (podutil.IsPodReady/IsPodAvailable).</summary>
internal static class PodReadiness
{
    public static bool IsReady(Pod pod) =>
        pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    public static bool IsRunningAndReady(Pod pod) => pod.Status?.Phase == "Running" && IsReady(pod);

    /// <summary>Ready for at least <paramref name="minReadySeconds"/> (ready at all when zero).</summary>
    public static bool IsAvailable(Pod pod, int minReadySeconds, DateTimeOffset now)
    {
        var ready = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready" && c.Status == "True");
        if (ready is null)
        {
            return false;
        }

        return minReadySeconds <= 0 || (ready.LastTransitionTime is { } since && since.AddSeconds(minReadySeconds) <= now);
    }

    /// <summary>How long until a ready pod becomes available, or null when it is not ready or already available.</summary>
    public static TimeSpan? UntilAvailable(Pod pod, int minReadySeconds, DateTimeOffset now)
    {
        var ready = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready" && c.Status == "True");
        if (ready?.LastTransitionTime is not { } since || minReadySeconds <= 0)
        {
            return null;
        }

        var left = since.AddSeconds(minReadySeconds) - now;
        return left > TimeSpan.Zero ? left : null;
    }

    public static bool IsTerminating(Pod pod) => pod.Metadata?.DeletionTimestamp is not null;

    public static bool IsFinished(Pod pod) => pod.Status?.Phase is "Failed" or "Succeeded";
}
