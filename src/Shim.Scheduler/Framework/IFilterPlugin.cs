using Shim.Scheduler.Snapshot;

namespace Shim.Scheduler.Framework;

/// <summary>Decides whether the cycle's pod may run on a node. Must not throw for ordinary misfits.</summary>
public interface IFilterPlugin : ISchedulerPlugin
{
    /// <param name="cycle">The pod being scheduled (<see cref="SchedulingCycle.Pod"/>), the snapshot, and per-cycle state.</param>
    /// <param name="node">The candidate node.</param>
    FilterResult Filter(SchedulingCycle cycle, NodeInfo node);
}
