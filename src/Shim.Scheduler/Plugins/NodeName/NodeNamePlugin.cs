using Shim.Scheduler.Framework;
using Shim.Scheduler.Snapshot;

namespace Shim.Scheduler.Plugins.NodeName;

/// <summary>A pod that names its node (spec.nodeName) fits only that node.</summary>
public sealed class NodeNamePlugin : IFilterPlugin
{
    public const string ReasonNodeNameMismatch = "node(s) didn't match the requested node name";

    public string Name => "NodeName";

    public FilterResult Filter(SchedulingCycle cycle, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        ArgumentNullException.ThrowIfNull(node);
        var requested = cycle.Pod.Pod.Spec?.NodeName;
        return string.IsNullOrEmpty(requested) || requested == node.Name
            ? FilterResult.Success
            : FilterResult.Unschedulable(ReasonNodeNameMismatch);
    }
}
