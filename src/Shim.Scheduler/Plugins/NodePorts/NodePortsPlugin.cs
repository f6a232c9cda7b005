using Shim.Model.Core.V1;
using Shim.Scheduler.Framework;
using Shim.Scheduler.Snapshot;

namespace Shim.Scheduler.Plugins.NodePorts;

/// <summary>
/// A pod asking for host ports (containers[].ports[].hostPort) fits only nodes where no pod holds the same protocol and
/// port on an overlapping address: 0.0.0.0 (hostIP unset) overlaps every address, as upstream.
/// </summary>
public sealed class NodePortsPlugin : IFilterPlugin
{
    public const string ReasonNoFreePorts = "node(s) didn't have free ports for the requested pod ports";

    private const string AnyAddress = "0.0.0.0";

    public string Name => "NodePorts";

    public FilterResult Filter(SchedulingCycle cycle, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        ArgumentNullException.ThrowIfNull(node);
        var wanted = HostPorts(cycle.Pod.Pod).ToList();
        if (wanted.Count == 0)
        {
            return FilterResult.Success;
        }

        var used = node.Pods.SelectMany(p => HostPorts(p.Pod)).ToList();
        return wanted.Any(w => used.Any(u => u.Protocol == w.Protocol && u.Port == w.Port && (u.Address == w.Address || u.Address == AnyAddress || w.Address == AnyAddress)))
            ? FilterResult.Unschedulable(ReasonNoFreePorts)
            : FilterResult.Success;
    }

    /// <summary>The host ports a pod's containers claim, with the defaults filled in (TCP, 0.0.0.0).</summary>
    public static IEnumerable<(string Address, string Protocol, int Port)> HostPorts(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return (pod.Spec?.Containers ?? [])
            .SelectMany(c => c.Ports ?? [])
            .Where(p => p.HostPort is > 0)
            .Select(p => (string.IsNullOrEmpty(p.HostIP) ? AnyAddress : p.HostIP, p.Protocol ?? "TCP", p.HostPort!.Value));
    }
}
