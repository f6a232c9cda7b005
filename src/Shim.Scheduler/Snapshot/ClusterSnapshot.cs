using Shim.Model.Core.V1;
using Shim.Client.Matching;

namespace Shim.Scheduler.Snapshot;

/// <summary>
/// The scheduler's view of the cluster: nodes, the pods counted on each (bound, and assumed by the scheduler but
/// not yet seen bound), and namespace labels for affinity namespaceSelectors. Build it once with <see cref="Create"/>
/// and keep it current from watch events with the Add/Remove methods (adds are upserts, so updates use them too).
/// Not thread-safe: apply events and run scheduling cycles from one loop, or under one lock.
/// </summary>
public sealed class ClusterSnapshot
{
    private readonly Dictionary<string, NodeInfo> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PodPlacement> _pods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _namespaceLabels = new(StringComparer.Ordinal);
    private List<NodeInfo>? _schedulableView;

    public static ClusterSnapshot Create(IEnumerable<Node> nodes, IEnumerable<Pod> pods, IEnumerable<Namespace>? namespaces = null)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(pods);
        var snapshot = new ClusterSnapshot();
        foreach (var node in nodes)
            snapshot.AddNode(node);
        foreach (var pod in pods)
            snapshot.AddPod(pod);
        foreach (var ns in namespaces ?? [])
            snapshot.AddNamespace(ns);
        return snapshot;
    }

    /// <summary>Nodes that exist (have a Node object), ordered by name so results are reproducible.</summary>
    public IReadOnlyList<NodeInfo> Nodes =>
        _schedulableView ??= _nodes.Values.Where(n => n.Node is not null).OrderBy(n => n.Name, StringComparer.Ordinal).ToList();

    public NodeInfo? GetNode(string name) => _nodes.TryGetValue(name, out var info) && info.Node is not null ? info : null;

    /// <summary>Adds or replaces a node; pods already counted on it stay.</summary>
    public void AddNode(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var name = node.Metadata?.Name ?? throw new ArgumentException("node has no metadata.name", nameof(node));
        GetOrCreateNodeInfo(name).SetNode(node);
        _schedulableView = null;
    }

    /// <summary>Removes a node. Pods still bound to it keep being counted until they are removed themselves.</summary>
    public void RemoveNode(string name)
    {
        if (!_nodes.TryGetValue(name, out var info))
            return;
        info.SetNode(null);
        if (info.Pods.Count == 0)
            _nodes.Remove(name);
        _schedulableView = null;
    }

    /// <summary>
    /// Adds or updates a pod from the API. A pod with spec.nodeName is counted on that node (replacing any
    /// assumption); a terminated pod (Succeeded/Failed) is dropped; a pending pod is not counted, unless the
    /// scheduler assumed it, in which case the assumption stands until the bound pod arrives or it is forgotten.
    /// </summary>
    public void AddPod(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var key = PodInfo.KeyOf(pod);
        if (PodInfo.IsTerminal(pod))
        {
            RemovePod(key);
            return;
        }
        var nodeName = pod.Spec?.NodeName;
        if (string.IsNullOrEmpty(nodeName))
        {
            if (_pods.TryGetValue(key, out var existing) && !existing.Assumed)
                RemovePod(key);
            return;
        }
        RemovePod(key);
        Place(new PodInfo(pod), nodeName, assumed: false);
    }

    /// <summary>Removes a pod (deleted, or no longer relevant), bound or assumed.</summary>
    public void RemovePod(Pod pod) => RemovePod(PodInfo.KeyOf(pod));

    public void RemovePod(string podKey)
    {
        if (!_pods.Remove(podKey, out var placement))
            return;
        if (_nodes.TryGetValue(placement.NodeName, out var info))
        {
            info.RemovePod(podKey);
            if (info.Node is null && info.Pods.Count == 0)
                _nodes.Remove(placement.NodeName);
        }
    }

    /// <summary>
    /// Counts a pod on the node the scheduler chose, before the binding is observed, so the next cycle does not
    /// hand out the same room twice. Undo with <see cref="ForgetPod"/> when binding fails.
    /// </summary>
    public void AssumePod(Pod pod, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        var key = PodInfo.KeyOf(pod);
        if (_pods.TryGetValue(key, out var existing) && !existing.Assumed)
            throw new InvalidOperationException($"pod {key} is already bound to {existing.NodeName}");
        RemovePod(key);
        Place(new PodInfo(pod), nodeName, assumed: true);
    }

    /// <summary>Drops an assumption (binding failed); a pod already seen bound is left alone.</summary>
    public void ForgetPod(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var key = PodInfo.KeyOf(pod);
        if (_pods.TryGetValue(key, out var existing) && existing.Assumed)
            RemovePod(key);
    }

    public bool IsAssumed(Pod pod) => _pods.TryGetValue(PodInfo.KeyOf(pod), out var p) && p.Assumed;

    /// <summary>The node a pod is counted on (bound or assumed), or null.</summary>
    public string? NodeOf(Pod pod) => _pods.TryGetValue(PodInfo.KeyOf(pod), out var p) ? p.NodeName : null;

    public void AddNamespace(Namespace ns)
    {
        ArgumentNullException.ThrowIfNull(ns);
        if (ns.Metadata?.Name is { } name)
            _namespaceLabels[name] = new Dictionary<string, string>(ns.Metadata.Labels ?? [], StringComparer.Ordinal);
    }

    public void RemoveNamespace(string name) => _namespaceLabels.Remove(name);

    /// <summary>A namespace's labels (empty when unknown), for affinity terms with a namespaceSelector.</summary>
    public IReadOnlyDictionary<string, string> NamespaceLabels(string name) =>
        _namespaceLabels.TryGetValue(name, out var labels) ? labels : Labels.Empty;

    private void Place(PodInfo pod, string nodeName, bool assumed)
    {
        GetOrCreateNodeInfo(nodeName).AddPod(pod);
        _pods[pod.Key] = new PodPlacement(nodeName, assumed);
    }

    private NodeInfo GetOrCreateNodeInfo(string name)
    {
        if (!_nodes.TryGetValue(name, out var info))
        {
            info = new NodeInfo(name);
            _nodes[name] = info;
        }
        return info;
    }
}
