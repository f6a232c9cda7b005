using Shim.Scheduler.Framework;
using Shim.Scheduler.Resources;
using Shim.Scheduler.Snapshot;

namespace Shim.Scheduler.Plugins.NodeResources;

/// <summary>
/// The pod's effective requests must fit in what the node's allocatable leaves after the pods already on it,
/// including the pod count. Every shortage is reported (a node can be short of cpu and memory at once).
/// </summary>
public sealed class NodeResourcesFitPlugin : IFilterPlugin
{
    public const string ReasonTooManyPods = "Too many pods";

    public string Name => "NodeResourcesFit";

    public FilterResult Filter(SchedulingCycle cycle, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        ArgumentNullException.ThrowIfNull(node);
        var reasons = new List<string>();
        if (node.Pods.Count + 1 > node.Allocatable.Pods)
            reasons.Add(ReasonTooManyPods);

        var request = cycle.Pod.Requests;
        var allocatable = node.Allocatable;
        var used = node.Requested;
        if (request.MilliCpu > 0 && request.MilliCpu > allocatable.MilliCpu - used.MilliCpu)
            reasons.Add(Insufficient(ResourceNames.Cpu));
        if (request.Memory > 0 && request.Memory > allocatable.Memory - used.Memory)
            reasons.Add(Insufficient(ResourceNames.Memory));
        if (request.EphemeralStorage > 0 && request.EphemeralStorage > allocatable.EphemeralStorage - used.EphemeralStorage)
            reasons.Add(Insufficient(ResourceNames.EphemeralStorage));
        foreach (var (name, amount) in request.Scalars.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            if (amount > 0 && amount > allocatable.Get(name) - used.Get(name))
                reasons.Add(Insufficient(name));
        }
        return reasons.Count == 0 ? FilterResult.Success : FilterResult.Unschedulable([.. reasons]);
    }

    public static string Insufficient(string resourceName) => $"Insufficient {resourceName}";
}
