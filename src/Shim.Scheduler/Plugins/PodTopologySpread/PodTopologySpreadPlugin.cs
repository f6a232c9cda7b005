using Shim.Scheduler.Framework;
using Shim.Scheduler.Snapshot;

namespace Shim.Scheduler.Plugins.PodTopologySpread;

/// <summary>
/// topologySpreadConstraints on any node label key. DoNotSchedule constraints filter: placing the pod must keep
/// (pods in the node's domain + 1 if the pod matches itself) - (fewest pods in any domain) within maxSkew; nodes
/// lacking the key are rejected. ScheduleAnyway constraints score: fewer matching pods in the domain is better.
/// The system default constraints (spreading by owning Service/ReplicaSet) are not applied.
/// </summary>
public sealed class PodTopologySpreadPlugin : IFilterPlugin, IScorePlugin
{
    public const string ReasonConstraintsNotMatch = "node(s) didn't match pod topology spread constraints";
    public const string ReasonMissingLabel = ReasonConstraintsNotMatch + " (missing required label)";

    private const string FilterStateKey = "PodTopologySpread/filter";
    private const string ScoreStateKey = "PodTopologySpread/score";

    public string Name => "PodTopologySpread";

    public FilterResult Filter(SchedulingCycle cycle, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        ArgumentNullException.ThrowIfNull(node);
        var state = cycle.GetOrCompute(FilterStateKey, ComputeFilterState);
        for (var i = 0; i < state.Constraints.Count; i++)
        {
            var constraint = state.Constraints[i];
            if (!node.Labels.TryGetValue(constraint.TopologyKey, out var domain))
                return FilterResult.Unschedulable(ReasonMissingLabel);
            var counts = state.CountsPerDomain[i];
            // Fewer eligible domains than minDomains: the global minimum is taken as 0.
            var globalMin = counts.Count == 0 || counts.Count < constraint.MinDomains ? 0 : counts.Values.Min();
            var selfMatch = constraint.Selector.Matches(cycle.Pod.Labels) ? 1 : 0;
            var skew = counts.GetValueOrDefault(domain) + selfMatch - globalMin;
            if (skew > constraint.MaxSkew)
                return FilterResult.Unschedulable(ReasonConstraintsNotMatch);
        }
        return FilterResult.Success;
    }

    private static SpreadFilterState ComputeFilterState(SchedulingCycle cycle)
    {
        var pod = cycle.Pod;
        var constraints = SpreadConstraint.Of(pod, "DoNotSchedule");
        var counts = constraints.Select(_ => new Dictionary<string, int>(StringComparer.Ordinal)).ToList();
        foreach (var node in cycle.Snapshot.Nodes)
        {
            if (!SpreadConstraint.NodeHasAllKeys(node, constraints))
                continue;
            for (var i = 0; i < constraints.Count; i++)
            {
                if (!constraints[i].IncludesNode(pod, node))
                    continue;
                var domain = node.Labels[constraints[i].TopologyKey];
                counts[i][domain] = counts[i].GetValueOrDefault(domain) + constraints[i].CountMatchingPods(node, pod.Namespace);
            }
        }
        return new SpreadFilterState(constraints, counts);
    }

    public long Score(SchedulingCycle cycle, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        ArgumentNullException.ThrowIfNull(node);
        var state = cycle.GetOrCompute(ScoreStateKey, ComputeScoreState);
        if (state.Constraints.Count == 0 || state.IgnoredNodes.Contains(node.Name))
            return 0;
        double score = 0;
        for (var i = 0; i < state.Constraints.Count; i++)
        {
            var constraint = state.Constraints[i];
            if (!node.Labels.TryGetValue(constraint.TopologyKey, out var domain))
                continue;
            long count = constraint.TopologyKey == NodeInfo.HostnameLabel
                ? constraint.CountMatchingPods(node, cycle.Pod.Namespace)
                : state.CountsPerDomain[i].GetValueOrDefault(domain);
            // maxSkew - 1 is added so a larger tolerated skew waters down the differences between domains.
            score += count * state.DomainWeights[i] + (constraint.MaxSkew - 1);
        }
        return (long)Math.Round(score, MidpointRounding.AwayFromZero);
    }

    public void NormalizeScores(SchedulingCycle cycle, IReadOnlyList<NodeInfo> nodes, long[] scores)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(scores);
        var state = cycle.GetOrCompute(ScoreStateKey, ComputeScoreState);
        if (state.Constraints.Count == 0)
            return;
        long min = long.MaxValue, max = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            if (state.IgnoredNodes.Contains(nodes[i].Name))
                continue;
            min = Math.Min(min, scores[i]);
            max = Math.Max(max, scores[i]);
        }
        for (var i = 0; i < scores.Length; i++)
        {
            if (state.IgnoredNodes.Contains(nodes[i].Name))
                scores[i] = 0;
            else if (max == 0)
                scores[i] = IScorePlugin.MaxNodeScore;
            else
                scores[i] = IScorePlugin.MaxNodeScore * (max + min - scores[i]) / max;
        }
    }

    private static SpreadScoreState ComputeScoreState(SchedulingCycle cycle)
    {
        var pod = cycle.Pod;
        var constraints = SpreadConstraint.Of(pod, "ScheduleAnyway");
        var ignored = new HashSet<string>(StringComparer.Ordinal);
        var counts = constraints.Select(_ => new Dictionary<string, long>(StringComparer.Ordinal)).ToList();
        if (constraints.Count == 0)
            return new SpreadScoreState(constraints, ignored, counts, []);

        // Domains worth counting are those of feasible nodes; feasible nodes lacking a key are not scored.
        foreach (var node in cycle.FeasibleNodes)
        {
            if (!SpreadConstraint.NodeHasAllKeys(node, constraints))
            {
                ignored.Add(node.Name);
                continue;
            }
            for (var i = 0; i < constraints.Count; i++)
            {
                if (constraints[i].TopologyKey != NodeInfo.HostnameLabel)
                    counts[i].TryAdd(node.Labels[constraints[i].TopologyKey], 0);
            }
        }
        var weights = new double[constraints.Count];
        for (var i = 0; i < constraints.Count; i++)
        {
            var domains = constraints[i].TopologyKey == NodeInfo.HostnameLabel ? cycle.FeasibleNodes.Count - ignored.Count : counts[i].Count;
            // Smaller topologies get a smaller weight so their counts are not drowned by bigger ones.
            weights[i] = Math.Log(domains + 2);
        }

        foreach (var node in cycle.Snapshot.Nodes)
        {
            if (!SpreadConstraint.NodeHasAllKeys(node, constraints))
                continue;
            for (var i = 0; i < constraints.Count; i++)
            {
                var constraint = constraints[i];
                if (constraint.TopologyKey == NodeInfo.HostnameLabel || !constraint.IncludesNode(pod, node))
                    continue;
                var domain = node.Labels[constraint.TopologyKey];
                if (counts[i].TryGetValue(domain, out var current))
                    counts[i][domain] = current + constraint.CountMatchingPods(node, pod.Namespace);
            }
        }
        return new SpreadScoreState(constraints, ignored, counts, weights);
    }
}
