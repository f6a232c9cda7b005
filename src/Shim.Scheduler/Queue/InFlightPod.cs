namespace Shim.Scheduler.Queue;

/// <summary>A pod handed out by PopAsync whose attempt has not been reported yet.</summary>
internal sealed class InFlightPod(QueuedPod entry, long clusterEventsAtPop)
{
    public QueuedPod Entry { get; } = entry;

    /// <summary>The cluster event counter when popped: a later event means the attempt saw a stale cluster.</summary>
    public long ClusterEventsAtPop { get; } = clusterEventsAtPop;

    /// <summary>The pod's spec changed during the attempt.</summary>
    public bool Updated { get; set; }

    public bool Deleted { get; set; }
}
