using Shim.Scheduler.Framework;
using Shim.Client.Matching;
using Shim.Scheduler.Snapshot;

namespace Shim.Scheduler.Plugins.NodeAffinity;

/// <summary>
/// Filter: spec.nodeSelector and requiredDuringScheduling node affinity must both match. Score: the sum of the
/// weights of the preferred terms the node matches, scaled so the best node gets 100.
/// </summary>
public sealed class NodeAffinityPlugin : IFilterPlugin, IScorePlugin
{
    public const string ReasonAffinityMismatch = "node(s) didn't match Pod's node affinity/selector";

    public string Name => "NodeAffinity";

    public FilterResult Filter(SchedulingCycle cycle, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        ArgumentNullException.ThrowIfNull(node);
        return MatchesRequired(cycle.Pod, node) ? FilterResult.Success : FilterResult.Unschedulable(ReasonAffinityMismatch);
    }

    /// <summary>nodeSelector and required node affinity; also used by topology spreading's nodeAffinityPolicy.</summary>
    public static bool MatchesRequired(PodInfo pod, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(node);
        foreach (var (key, value) in pod.Pod.Spec?.NodeSelector ?? [])
        {
            if (!node.Labels.TryGetValue(key, out var actual) || actual != value)
                return false;
        }
        var required = pod.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution;
        return required is null || NodeSelectorMatching.MatchesAnyTerm(required.NodeSelectorTerms, node.Name, node.Labels);
    }

    public long Score(SchedulingCycle cycle, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        ArgumentNullException.ThrowIfNull(node);
        long total = 0;
        foreach (var preferred in cycle.Pod.Affinity?.NodeAffinity?.PreferredDuringSchedulingIgnoredDuringExecution ?? [])
        {
            if (preferred.Weight is int weight && weight > 0 && NodeSelectorMatching.MatchesTerm(preferred.Preference, node.Name, node.Labels))
                total += weight;
        }
        return total;
    }

    public void NormalizeScores(SchedulingCycle cycle, IReadOnlyList<NodeInfo> nodes, long[] scores) =>
        ScoreNormalization.ScaleToMax(scores, reverse: false);
}
