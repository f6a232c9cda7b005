namespace Shim.Scheduler.Plugins.PodTopologySpread;

/// <summary>Per-cycle state of the ScheduleAnyway scoring (upstream's PreScore state).</summary>
internal sealed record SpreadScoreState(
    IReadOnlyList<SpreadConstraint> Constraints,
    IReadOnlySet<string> IgnoredNodes,
    IReadOnlyList<Dictionary<string, long>> CountsPerDomain,
    IReadOnlyList<double> DomainWeights);
