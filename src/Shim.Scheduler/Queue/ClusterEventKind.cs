namespace Shim.Scheduler.Queue;

/// <summary>Cluster changes that may make a pod that did not fit schedulable now.</summary>
public enum ClusterEventKind
{
    NodeAdded,
    NodeUpdated,
    NodeDeleted,
    AssignedPodAdded,
    AssignedPodUpdated,
    AssignedPodDeleted,
    NamespaceChanged,
}
