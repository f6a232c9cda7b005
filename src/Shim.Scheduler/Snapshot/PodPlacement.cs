namespace Shim.Scheduler.Snapshot;

/// <summary>Where the snapshot counts a pod, and whether only because the scheduler assumed it.</summary>
internal readonly record struct PodPlacement(string NodeName, bool Assumed);
