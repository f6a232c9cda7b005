using Shim.Model.Core.V1;

namespace Shim.Scheduler.Queue;

/// <summary>A pending pod's place in the queue: its latest object, failed attempts and timers.</summary>
internal sealed class QueuedPod
{
    public QueuedPod(string key, Pod pod, DateTimeOffset enqueuedAt, long sequence)
    {
        Key = key;
        Pod = pod;
        Timestamp = pod.Metadata?.CreationTimestamp ?? enqueuedAt;
        Sequence = sequence;
    }

    public string Key { get; }

    public Pod Pod { get; set; }

    /// <summary>Orders pods of equal priority: creation time, or when first queued if the pod has none.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>Final tie-breaker, and what keeps the sorted set from treating two pods as one.</summary>
    public long Sequence { get; set; }

    public int Priority => Pod.Spec?.Priority ?? 0;

    public int Attempts { get; set; }

    public DateTimeOffset BackoffExpiry { get; set; } = DateTimeOffset.MinValue;

    public DateTimeOffset UnschedulableSince { get; set; }
}
