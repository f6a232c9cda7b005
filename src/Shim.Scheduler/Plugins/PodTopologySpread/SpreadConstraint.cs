using Shim.Model.Core.V1;
using Shim.Client.Matching;
using Shim.Scheduler.Plugins.NodeAffinity;
using Shim.Scheduler.Snapshot;

namespace Shim.Scheduler.Plugins.PodTopologySpread;

/// <summary>
/// A topologySpreadConstraint of the incoming pod with upstream's defaults applied: minDomains 1,
/// nodeAffinityPolicy Honor, nodeTaintsPolicy Ignore; matchLabelKeys merged into the selector.
/// </summary>
internal sealed class SpreadConstraint
{
    private SpreadConstraint(TopologySpreadConstraint source, LabelSelection selector)
    {
        MaxSkew = source.MaxSkew ?? 1;
        TopologyKey = source.TopologyKey ?? "";
        Selector = selector;
        MinDomains = source.MinDomains ?? 1;
        HonorNodeAffinity = source.NodeAffinityPolicy != "Ignore";
        HonorNodeTaints = source.NodeTaintsPolicy == "Honor";
    }

    public int MaxSkew { get; }

    public string TopologyKey { get; }

    public LabelSelection Selector { get; }

    public int MinDomains { get; }

    public bool HonorNodeAffinity { get; }

    public bool HonorNodeTaints { get; }

    /// <summary>The pod's constraints with the given whenUnsatisfiable (DoNotSchedule or ScheduleAnyway).</summary>
    public static IReadOnlyList<SpreadConstraint> Of(PodInfo pod, string whenUnsatisfiable)
    {
        var result = new List<SpreadConstraint>();
        foreach (var constraint in pod.Pod.Spec?.TopologySpreadConstraints ?? [])
        {
            if ((constraint.WhenUnsatisfiable ?? "DoNotSchedule") != whenUnsatisfiable)
                continue;
            var extra = new List<LabelRequirement>();
            foreach (var key in constraint.MatchLabelKeys ?? [])
            {
                if (pod.Labels.TryGetValue(key, out var value))
                    extra.Add(new LabelRequirement(key, "In", [value]));
            }
            result.Add(new SpreadConstraint(constraint, LabelSelection.From(constraint.LabelSelector, extra)));
        }
        return result;
    }

    /// <summary>Whether pods on this node count for the constraint (nodeAffinityPolicy / nodeTaintsPolicy).</summary>
    public bool IncludesNode(PodInfo pod, NodeInfo node)
    {
        if (HonorNodeAffinity && !NodeAffinityPlugin.MatchesRequired(pod, node))
            return false;
        return !HonorNodeTaints || TolerationMatching.FirstUntolerated(node.Taints, pod.Pod.Spec?.Tolerations, "NoSchedule", "NoExecute") is null;
    }

    /// <summary>Pods on the node this constraint counts: same namespace as the incoming pod, not terminating, selected.</summary>
    public int CountMatchingPods(NodeInfo node, string podNamespace) =>
        node.Pods.Count(p => !p.IsTerminating && p.Namespace == podNamespace && Selector.Matches(p.Labels));

    public static bool NodeHasAllKeys(NodeInfo node, IReadOnlyList<SpreadConstraint> constraints) =>
        constraints.All(c => node.Labels.ContainsKey(c.TopologyKey));
}
