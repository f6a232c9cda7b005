using Shim.Model.Core.V1;
using Shim.Scheduler.Framework;
using Shim.Client.Matching;
using Shim.Scheduler.Snapshot;

namespace Shim.Scheduler.Plugins.NodeUnschedulable;

/// <summary>
/// Cordoned nodes (spec.unschedulable) take no new pods, except pods tolerating the
/// node.kubernetes.io/unschedulable:NoSchedule taint (DaemonSet pods carry that toleration).
/// </summary>
public sealed class NodeUnschedulablePlugin : IFilterPlugin
{
    public const string ReasonUnschedulable = "node(s) were unschedulable";
    public const string UnschedulableTaintKey = "node.kubernetes.io/unschedulable";

    private static readonly Taint UnschedulableTaint = new() { Key = UnschedulableTaintKey, Effect = "NoSchedule" };

    public string Name => "NodeUnschedulable";

    public FilterResult Filter(SchedulingCycle cycle, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        ArgumentNullException.ThrowIfNull(node);
        if (!node.Unschedulable)
            return FilterResult.Success;
        return TolerationMatching.AnyTolerates(cycle.Pod.Pod.Spec?.Tolerations, UnschedulableTaint)
            ? FilterResult.Success
            : FilterResult.Unschedulable(ReasonUnschedulable);
    }
}
