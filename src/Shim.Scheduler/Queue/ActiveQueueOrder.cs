namespace Shim.Scheduler.Queue;

/// <summary>Upstream's PrioritySort: higher spec.priority first, then older pods, then first queued.</summary>
internal sealed class ActiveQueueOrder : IComparer<QueuedPod>
{
    public static ActiveQueueOrder Instance { get; } = new();

    public int Compare(QueuedPod? x, QueuedPod? y)
    {
        if (ReferenceEquals(x, y))
            return 0;
        if (x is null)
            return -1;
        if (y is null)
            return 1;
        var byPriority = y.Priority.CompareTo(x.Priority);
        if (byPriority != 0)
            return byPriority;
        var byTime = x.Timestamp.CompareTo(y.Timestamp);
        return byTime != 0 ? byTime : x.Sequence.CompareTo(y.Sequence);
    }
}
