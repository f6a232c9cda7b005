using Shim.Model.Core.V1;
using Shim.Scheduler.Resources;

namespace Shim.Scheduler.Snapshot;

/// <summary>A node and the pods the scheduler counts on it (bound and assumed), with their summed requests.</summary>
public sealed class NodeInfo
{
    /// <summary>The well-known hostname label that hostname-scoped affinity and spreading use.</summary>
    public const string HostnameLabel = "kubernetes.io/hostname";

    private readonly Dictionary<string, PodInfo> _pods = new(StringComparer.Ordinal);

    internal NodeInfo(string name) => Name = name;

    public string Name { get; }

    /// <summary>The node object; null while pods refer to a node the snapshot has not seen (or has lost).</summary>
    public Node? Node { get; private set; }

    /// <summary>
    /// The node's labels. kubernetes.io/hostname is filled with the node name when the node lacks it, as a kubelet
    /// would have set it, so hostname-scoped affinity and spreading work on nodes registered without it.
    /// </summary>
    public IReadOnlyDictionary<string, string> Labels { get; private set; } = Shim.Client.Matching.Labels.Empty;

    public IReadOnlyList<Taint> Taints => Node?.Spec?.Taints ?? [];

    public bool Unschedulable => Node?.Spec?.Unschedulable == true;

    /// <summary>From node.status.allocatable: cpu, memory, ephemeral-storage, pods and extended resources.</summary>
    public ResourceAmounts Allocatable { get; private set; } = new();

    /// <summary>Sum of the effective requests of the pods on this node.</summary>
    public ResourceAmounts Requested { get; } = new();

    /// <summary>Sum of the non-zero requests (100m / 200Mi defaults) of the pods on this node, for scoring.</summary>
    public ResourceAmounts NonZeroRequested { get; } = new();

    public IReadOnlyCollection<PodInfo> Pods => _pods.Values;

    public bool HasPod(string podKey) => _pods.ContainsKey(podKey);

    internal void SetNode(Node? node)
    {
        Node = node;
        Allocatable = ResourceAmounts.From(node?.Status?.Allocatable);
        var labels = new Dictionary<string, string>(node?.Metadata?.Labels ?? [], StringComparer.Ordinal);
        if (node is not null)
            labels.TryAdd(HostnameLabel, Name);
        Labels = labels;
    }

    internal void AddPod(PodInfo pod)
    {
        if (!_pods.TryAdd(pod.Key, pod))
            throw new InvalidOperationException($"pod {pod.Key} is already counted on node {Name}");
        Requested.Add(pod.Requests);
        NonZeroRequested.Add(pod.NonZeroRequests);
    }

    internal bool RemovePod(string podKey)
    {
        if (!_pods.Remove(podKey, out var pod))
            return false;
        Requested.Subtract(pod.Requests);
        NonZeroRequested.Subtract(pod.NonZeroRequests);
        return true;
    }

    public override string ToString() => $"{Name} ({_pods.Count} pods, requested {Requested})";
}
