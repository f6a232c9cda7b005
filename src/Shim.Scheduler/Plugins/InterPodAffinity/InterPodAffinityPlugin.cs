using Shim.Scheduler.Framework;
using Shim.Scheduler.Snapshot;

namespace Shim.Scheduler.Plugins.InterPodAffinity;

/// <summary>
/// Pod affinity and anti-affinity on any topology key (a node label; kubernetes.io/hostname defaults to the node
/// name). Filter, in upstream's order: existing pods' required anti-affinity against the incoming pod, the incoming
/// pod's required affinity, its required anti-affinity. Score: preferred terms both ways (and existing pods'
/// required affinity with weight 1), summed per topology domain and min-max normalized.
/// </summary>
public sealed class InterPodAffinityPlugin : IFilterPlugin, IScorePlugin
{
    public const string ReasonExistingAntiAffinity = "node(s) didn't satisfy existing pods anti-affinity rules";
    public const string ReasonAffinity = "node(s) didn't match pod affinity rules";
    public const string ReasonAntiAffinity = "node(s) didn't match pod anti-affinity rules";

    /// <summary>Weight of an existing pod's required affinity term in scoring (upstream's hardPodAffinityWeight).</summary>
    public const int HardPodAffinityWeight = 1;

    private const string FilterStateKey = "InterPodAffinity/filter";
    private const string ScoreStateKey = "InterPodAffinity/score";

    public string Name => "InterPodAffinity";

    public FilterResult Filter(SchedulingCycle cycle, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        ArgumentNullException.ThrowIfNull(node);
        var state = cycle.GetOrCompute(FilterStateKey, ComputeFilterState);

        foreach (var (key, value) in node.Labels)
        {
            if (state.ExistingAntiAffinity.GetValueOrDefault(new TopologyPair(key, value)) > 0)
                return FilterResult.Unschedulable(ReasonExistingAntiAffinity);
        }

        if (!SatisfiesAffinity(state, node))
            return FilterResult.Unschedulable(ReasonAffinity);

        foreach (var term in state.IncomingTerms.RequiredAntiAffinity)
        {
            if (node.Labels.TryGetValue(term.TopologyKey, out var value)
                && state.AntiAffinity.GetValueOrDefault(new TopologyPair(term.TopologyKey, value)) > 0)
                return FilterResult.Unschedulable(ReasonAntiAffinity);
        }
        return FilterResult.Success;
    }

    private static bool SatisfiesAffinity(InterPodAffinityFilterState state, NodeInfo node)
    {
        var terms = state.IncomingTerms.RequiredAffinity;
        var podsExist = true;
        foreach (var term in terms)
        {
            // The node must carry every topology key the terms use.
            if (!node.Labels.TryGetValue(term.TopologyKey, out var value))
                return false;
            if (state.Affinity.GetValueOrDefault(new TopologyPair(term.TopologyKey, value)) <= 0)
                podsExist = false;
        }
        if (podsExist)
            return true;
        // The first pod of a group with affinity to itself: no pod anywhere matches yet, so let it start the group.
        return state.Affinity.Count == 0 && state.IncomingMatchesOwnAffinity;
    }

    private static InterPodAffinityFilterState ComputeFilterState(SchedulingCycle cycle)
    {
        var incoming = cycle.Pod;
        var terms = PodAffinityTerms.Of(incoming);
        var state = new InterPodAffinityFilterState
        {
            IncomingTerms = terms,
            IncomingMatchesOwnAffinity = terms.RequiredAffinity.All(t => t.Matches(incoming, cycle.Snapshot)),
        };
        foreach (var node in cycle.Snapshot.Nodes)
        {
            foreach (var existing in node.Pods)
            {
                foreach (var term in PodAffinityTerms.Of(existing).RequiredAntiAffinity)
                {
                    if (term.Matches(incoming, cycle.Snapshot))
                        Increment(state.ExistingAntiAffinity, node, term.TopologyKey, 1);
                }
                if (terms.RequiredAffinity.Count > 0 && terms.RequiredAffinity.All(t => t.Matches(existing, cycle.Snapshot)))
                {
                    foreach (var term in terms.RequiredAffinity)
                        Increment(state.Affinity, node, term.TopologyKey, 1);
                }
                foreach (var term in terms.RequiredAntiAffinity)
                {
                    if (term.Matches(existing, cycle.Snapshot))
                        Increment(state.AntiAffinity, node, term.TopologyKey, 1);
                }
            }
        }
        return state;
    }

    public long Score(SchedulingCycle cycle, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        ArgumentNullException.ThrowIfNull(node);
        var domainScores = cycle.GetOrCompute(ScoreStateKey, ComputeScoreState);
        long score = 0;
        foreach (var (key, value) in node.Labels)
            score += domainScores.GetValueOrDefault(new TopologyPair(key, value));
        return score;
    }

    public void NormalizeScores(SchedulingCycle cycle, IReadOnlyList<NodeInfo> nodes, long[] scores)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Length == 0 || cycle.GetOrCompute(ScoreStateKey, ComputeScoreState).Count == 0)
            return;
        var min = scores.Min();
        var spread = scores.Max() - min;
        for (var i = 0; i < scores.Length; i++)
            scores[i] = spread > 0 ? (long)(IScorePlugin.MaxNodeScore * ((double)(scores[i] - min) / spread)) : 0;
    }

    private static Dictionary<TopologyPair, int> ComputeScoreState(SchedulingCycle cycle)
    {
        var incoming = cycle.Pod;
        var incomingTerms = PodAffinityTerms.Of(incoming);
        var scores = new Dictionary<TopologyPair, int>();
        foreach (var node in cycle.Snapshot.Nodes)
        {
            foreach (var existing in node.Pods)
            {
                var existingTerms = PodAffinityTerms.Of(existing);
                if (incomingTerms.IsEmpty && existingTerms.IsEmpty)
                    continue;
                // The incoming pod's preferences towards (or away from) existing pods...
                AddMatching(scores, incomingTerms.PreferredAffinity, existing, node, cycle.Snapshot, +1, useWeight: true);
                AddMatching(scores, incomingTerms.PreferredAntiAffinity, existing, node, cycle.Snapshot, -1, useWeight: true);
                // ...and existing pods' rules about the incoming pod, which are symmetric in upstream.
                AddMatching(scores, existingTerms.RequiredAffinity, incoming, node, cycle.Snapshot, +1, useWeight: false);
                AddMatching(scores, existingTerms.PreferredAffinity, incoming, node, cycle.Snapshot, +1, useWeight: true);
                AddMatching(scores, existingTerms.PreferredAntiAffinity, incoming, node, cycle.Snapshot, -1, useWeight: true);
            }
        }
        return scores;
    }

    private static void AddMatching(Dictionary<TopologyPair, int> scores, IReadOnlyList<AffinityTerm> terms, PodInfo candidate, NodeInfo node, ClusterSnapshot snapshot, int sign, bool useWeight)
    {
        foreach (var term in terms)
        {
            if (term.Matches(candidate, snapshot))
                Increment(scores, node, term.TopologyKey, sign * (useWeight ? term.Weight : HardPodAffinityWeight));
        }
    }

    private static void Increment(Dictionary<TopologyPair, int> counts, NodeInfo node, string topologyKey, int delta)
    {
        if (!node.Labels.TryGetValue(topologyKey, out var value))
            return;
        var pair = new TopologyPair(topologyKey, value);
        counts[pair] = counts.GetValueOrDefault(pair) + delta;
    }
}
