using Shim.Scheduler.Framework;
using Shim.Scheduler.Snapshot;

namespace Shim.Scheduler.Plugins.NodeResources;

/// <summary>
/// Upstream NodeResourcesFit's default LeastAllocated scoring: prefers nodes with the most free cpu and memory
/// (weight 1 each) after placing the pod, using non-zero requests so best-effort pods still spread.
/// score(resource) = (allocatable - requested) * 100 / allocatable, 0 when over; the node score is their average.
/// </summary>
public sealed class LeastAllocatedPlugin : IScorePlugin
{
    public string Name => "NodeResourcesLeastAllocated";

    public long Score(SchedulingCycle cycle, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        ArgumentNullException.ThrowIfNull(node);
        var pod = cycle.Pod.NonZeroRequests;
        var resources = new (long Requested, long Allocatable)[]
        {
            (node.NonZeroRequested.MilliCpu + pod.MilliCpu, node.Allocatable.MilliCpu),
            (node.NonZeroRequested.Memory + pod.Memory, node.Allocatable.Memory),
        };
        long total = 0, weights = 0;
        foreach (var (requested, allocatable) in resources)
        {
            if (allocatable == 0)
                continue;
            total += requested > allocatable ? 0 : (allocatable - requested) * IScorePlugin.MaxNodeScore / allocatable;
            weights++;
        }
        return weights == 0 ? 0 : total / weights;
    }
}
