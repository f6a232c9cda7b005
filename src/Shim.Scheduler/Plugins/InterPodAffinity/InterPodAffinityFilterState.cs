namespace Shim.Scheduler.Plugins.InterPodAffinity;

/// <summary>Per-cycle counts of matching pods per topology domain (upstream's PreFilter state).</summary>
internal sealed class InterPodAffinityFilterState
{
    /// <summary>Domains where an existing pod's required anti-affinity term matches the incoming pod.</summary>
    public Dictionary<TopologyPair, int> ExistingAntiAffinity { get; } = [];

    /// <summary>Per domain, existing pods matching all of the incoming pod's required affinity terms.</summary>
    public Dictionary<TopologyPair, int> Affinity { get; } = [];

    /// <summary>Per domain, existing pods matching one of the incoming pod's required anti-affinity terms.</summary>
    public Dictionary<TopologyPair, int> AntiAffinity { get; } = [];

    public required PodAffinityTerms IncomingTerms { get; init; }

    /// <summary>The incoming pod satisfies its own affinity terms (so it may start a new group).</summary>
    public required bool IncomingMatchesOwnAffinity { get; init; }
}
