namespace Shim.Scheduler.Plugins.PodTopologySpread;

/// <summary>Per-cycle matching pod counts per domain, one map per DoNotSchedule constraint.</summary>
internal sealed record SpreadFilterState(IReadOnlyList<SpreadConstraint> Constraints, IReadOnlyList<Dictionary<string, int>> CountsPerDomain);
