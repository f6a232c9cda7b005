using Shim.Scheduler.Framework;
using Shim.Client.Matching;
using Shim.Scheduler.Snapshot;

namespace Shim.Scheduler.Plugins.TaintToleration;

/// <summary>
/// Filter: every NoSchedule/NoExecute taint must be tolerated. Score: fewer untolerated PreferNoSchedule taints
/// is better (normalized reversed, so a node without any scores 100).
/// </summary>
public sealed class TaintTolerationPlugin : IFilterPlugin, IScorePlugin
{
    public string Name => "TaintToleration";

    public FilterResult Filter(SchedulingCycle cycle, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        ArgumentNullException.ThrowIfNull(node);
        var taint = TolerationMatching.FirstUntolerated(node.Taints, cycle.Pod.Pod.Spec?.Tolerations, "NoSchedule", "NoExecute");
        return taint is null
            ? FilterResult.Success
            : FilterResult.Unschedulable($"node(s) had untolerated taint {{{taint.Key}: {taint.Value}}}");
    }

    public long Score(SchedulingCycle cycle, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        ArgumentNullException.ThrowIfNull(node);
        // Only tolerations that can apply to PreferNoSchedule (that effect, or any effect) count here.
        var tolerations = (cycle.Pod.Pod.Spec?.Tolerations ?? [])
            .Where(t => string.IsNullOrEmpty(t.Effect) || t.Effect == "PreferNoSchedule")
            .ToList();
        return node.Taints.Count(t => t.Effect == "PreferNoSchedule" && !TolerationMatching.AnyTolerates(tolerations, t));
    }

    public void NormalizeScores(SchedulingCycle cycle, IReadOnlyList<NodeInfo> nodes, long[] scores) =>
        ScoreNormalization.ScaleToMax(scores, reverse: true);
}
