using Shim.Scheduler.Framework;
using Shim.Scheduler.Plugins.InterPodAffinity;
using Shim.Scheduler.Plugins.NodeAffinity;
using Shim.Scheduler.Plugins.NodeName;
using Shim.Scheduler.Plugins.NodePorts;
using Shim.Scheduler.Plugins.NodeResources;
using Shim.Scheduler.Plugins.NodeUnschedulable;
using Shim.Scheduler.Plugins.PodTopologySpread;
using Shim.Scheduler.Plugins.TaintToleration;

namespace Shim.Scheduler;

/// <summary>Upstream's default profile, restricted to the plugins implemented here, in upstream's order and weights.</summary>
public static class DefaultPlugins
{
    /// <summary>Filters in upstream order; a node's reasons come from the first filter that rejects it.</summary>
    public static IReadOnlyList<IFilterPlugin> Filters() =>
    [
        new NodeUnschedulablePlugin(),
        new NodeNamePlugin(),
        new TaintTolerationPlugin(),
        new NodeAffinityPlugin(),
        new NodePortsPlugin(),
        new NodeResourcesFitPlugin(),
        new PodTopologySpreadPlugin(),
        new InterPodAffinityPlugin(),
    ];

    /// <summary>Score plugins with upstream's default weights.</summary>
    public static IReadOnlyList<WeightedScorePlugin> Scores() =>
    [
        new(new TaintTolerationPlugin(), 3),
        new(new NodeAffinityPlugin(), 2),
        new(new LeastAllocatedPlugin(), 1),
        new(new PodTopologySpreadPlugin(), 2),
        new(new InterPodAffinityPlugin(), 2),
        new(new BalancedAllocationPlugin(), 1),
    ];
}
