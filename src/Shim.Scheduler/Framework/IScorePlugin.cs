using Shim.Scheduler.Snapshot;

namespace Shim.Scheduler.Framework;

/// <summary>Ranks feasible nodes. After normalization every score must lie in 0..<see cref="MaxNodeScore"/>.</summary>
public interface IScorePlugin : ISchedulerPlugin
{
    const long MaxNodeScore = 100;

    /// <summary>The raw score of one feasible node (may be outside 0..100 until normalized).</summary>
    long Score(SchedulingCycle cycle, NodeInfo node);

    /// <summary>Rescales the raw scores of all feasible nodes in place; the default keeps them.</summary>
    void NormalizeScores(SchedulingCycle cycle, IReadOnlyList<NodeInfo> nodes, long[] scores)
    {
    }
}
