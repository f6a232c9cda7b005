using Shim.Scheduler.Framework;
using Shim.Scheduler.Snapshot;

namespace Shim.Scheduler.Plugins.NodeResources;

/// <summary>
/// Upstream NodeResourcesBalancedAllocation: prefers nodes whose cpu and memory would be used in equal fractions
/// after placing the pod. score = (1 - |cpuFraction - memoryFraction| / 2) * 100, fractions capped at 1.
/// Best-effort pods (no requests) are not scored, as upstream, so they do not all pile onto one node.
/// </summary>
public sealed class BalancedAllocationPlugin : IScorePlugin
{
    public string Name => "NodeResourcesBalancedAllocation";

    public long Score(SchedulingCycle cycle, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        ArgumentNullException.ThrowIfNull(node);
        var pod = cycle.Pod.Requests;
        if (pod.MilliCpu == 0 && pod.Memory == 0)
            return 0;
        var fractions = new List<double>(2);
        AddFraction(fractions, node.Requested.MilliCpu + pod.MilliCpu, node.Allocatable.MilliCpu);
        AddFraction(fractions, node.Requested.Memory + pod.Memory, node.Allocatable.Memory);
        var deviation = fractions.Count == 2 ? Math.Abs(fractions[0] - fractions[1]) / 2 : 0;
        return (long)((1 - deviation) * IScorePlugin.MaxNodeScore);
    }

    private static void AddFraction(List<double> fractions, long requested, long allocatable)
    {
        if (allocatable == 0)
            return;
        fractions.Add(Math.Min(1.0, (double)requested / allocatable));
    }
}
