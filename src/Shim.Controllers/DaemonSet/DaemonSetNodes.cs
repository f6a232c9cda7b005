using Shim.Client.Matching;
using Shim.Model.Apps.V1;
using Shim.Model.Core.V1;

namespace Shim.Controllers.DaemonSet;

/// <summary>Where a DaemonSet's pods belong: node eligibility, the tolerations every daemon pod gets, and node binding.</summary>
internal static class DaemonSetNodes
{
    private const string NodeNameField = "metadata.name";

    /// <summary>
    /// Whether the daemon should run on <paramref name="node"/> (node name, node selector, required node affinity and
    /// NoSchedule/NoExecute taints all allow it) and whether a pod already there may stay (only NoExecute taints evict).
    /// </summary>
    public static (bool ShouldRun, bool ShouldContinueRunning) Evaluate(Node node, Shim.Model.Apps.V1.DaemonSet ds)
    {
        var spec = ds.Spec?.Template?.Spec ?? new PodSpec();
        var name = node.Metadata?.Name ?? "";
        if (!string.IsNullOrEmpty(spec.NodeName) && spec.NodeName != name)
        {
            return (false, false);
        }

        var labels = Labels.Of(node.Metadata?.Labels);
        var selectorFits = (spec.NodeSelector ?? []).All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);
        var required = spec.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution;
        var affinityFits = required is null || NodeSelectorMatching.MatchesAnyTerm(required.NodeSelectorTerms, name, labels);
        if (!selectorFits || !affinityFits)
        {
            return (false, false);
        }

        var tolerations = WithDaemonTolerations(spec.Tolerations, spec.HostNetwork == true);
        var taints = node.Spec?.Taints;
        if (TolerationMatching.FirstUntolerated(taints, tolerations, "NoSchedule", "NoExecute") is null)
        {
            return (true, true);
        }

        return (false, TolerationMatching.FirstUntolerated(taints, tolerations, "NoExecute") is null);
    }

    /// <summary>
    /// The template's tolerations plus those every daemon pod carries, so node conditions do not evict or keep out
    /// daemons: not-ready and unreachable (NoExecute, forever), the pressure conditions and unschedulable (NoSchedule),
    /// and network-unavailable for host-network pods.
    /// </summary>
    public static List<Toleration> WithDaemonTolerations(List<Toleration>? tolerations, bool hostNetwork)
    {
        var result = new List<Toleration>(tolerations ?? []);
        void Add(string key, string effect)
        {
            if (!result.Any(t => t.Key == key && t.Operator == "Exists" && string.IsNullOrEmpty(t.Value) && t.Effect == effect))
            {
                result.Add(new Toleration { Key = key, Operator = "Exists", Effect = effect });
            }
        }

        Add("node.kubernetes.io/not-ready", "NoExecute");
        Add("node.kubernetes.io/unreachable", "NoExecute");
        Add("node.kubernetes.io/disk-pressure", "NoSchedule");
        Add("node.kubernetes.io/memory-pressure", "NoSchedule");
        Add("node.kubernetes.io/pid-pressure", "NoSchedule");
        Add("node.kubernetes.io/unschedulable", "NoSchedule");
        if (hostNetwork)
        {
            Add("node.kubernetes.io/network-unavailable", "NoSchedule");
        }

        return result;
    }

    /// <summary>
    /// Pins a pod to one node through required node affinity on the node's name (the scheduler still binds it), as
    /// upstream: the term replaces the template's required terms, which the node was already checked against.
    /// </summary>
    public static void BindTo(PodSpec spec, string nodeName)
    {
        spec.Affinity ??= new Affinity();
        spec.Affinity.NodeAffinity ??= new NodeAffinity();
        spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution = new NodeSelector
        {
            NodeSelectorTerms =
            [
                new NodeSelectorTerm
                {
                    MatchFields = [new NodeSelectorRequirement { Key = NodeNameField, Operator = "In", Values = [nodeName] }],
                },
            ],
        };
    }

    /// <summary>The node a daemon pod is for: where it is bound, or where its node-name affinity pins it; null if neither.</summary>
    public static string? TargetNodeName(Pod pod)
    {
        if (!string.IsNullOrEmpty(pod.Spec?.NodeName))
        {
            return pod.Spec.NodeName;
        }

        var terms = pod.Spec?.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution?.NodeSelectorTerms;
        if (terms is not [{ MatchFields: [{ Key: NodeNameField, Operator: "In", Values: [var name] }] }])
        {
            return null;
        }

        return name;
    }

    public static bool IsRollingUpdate(Shim.Model.Apps.V1.DaemonSet ds) => ds.Spec?.UpdateStrategy?.Type is null or "RollingUpdate";

    public static RollingUpdateDaemonSet? Rolling(Shim.Model.Apps.V1.DaemonSet ds) => ds.Spec?.UpdateStrategy?.RollingUpdate;
}
