using Shim.Model.Core.V1;
using Shim.Client.Matching;
using Shim.Scheduler.Snapshot;

namespace Shim.Scheduler.Plugins.InterPodAffinity;

/// <summary>
/// A pod (anti-)affinity term of one owner pod, ready to match other pods: the label selector (with
/// matchLabelKeys/mismatchLabelKeys merged in from the owner's labels), the namespaces it looks in, the topology key.
/// </summary>
internal sealed class AffinityTerm
{
    private readonly HashSet<string> _namespaces;
    private readonly LabelSelection? _namespaceSelector;
    private readonly LabelSelection _selector;

    private AffinityTerm(string topologyKey, LabelSelection selector, HashSet<string> namespaces, LabelSelection? namespaceSelector, int weight)
    {
        TopologyKey = topologyKey;
        _selector = selector;
        _namespaces = namespaces;
        _namespaceSelector = namespaceSelector;
        Weight = weight;
    }

    public string TopologyKey { get; }

    /// <summary>The preferred term's weight; 1 for required terms.</summary>
    public int Weight { get; }

    public static AffinityTerm From(PodInfo owner, PodAffinityTerm term, int weight = 1)
    {
        var extra = new List<LabelRequirement>();
        foreach (var key in term.MatchLabelKeys ?? [])
        {
            if (owner.Labels.TryGetValue(key, out var value))
                extra.Add(new LabelRequirement(key, "In", [value]));
        }
        foreach (var key in term.MismatchLabelKeys ?? [])
        {
            if (owner.Labels.TryGetValue(key, out var value))
                extra.Add(new LabelRequirement(key, "NotIn", [value]));
        }
        var selector = LabelSelection.From(term.LabelSelector, extra);

        // Neither namespaces nor namespaceSelector: the owner's own namespace. Otherwise their union.
        var namespaces = new HashSet<string>(term.Namespaces ?? [], StringComparer.Ordinal);
        LabelSelection? namespaceSelector = term.NamespaceSelector is null ? null : LabelSelection.From(term.NamespaceSelector);
        if (namespaces.Count == 0 && namespaceSelector is null)
            namespaces.Add(owner.Namespace);
        return new AffinityTerm(term.TopologyKey ?? "", selector, namespaces, namespaceSelector, weight);
    }

    public bool Matches(PodInfo candidate, ClusterSnapshot snapshot)
    {
        var inNamespace = _namespaces.Contains(candidate.Namespace)
            || (_namespaceSelector is not null && _namespaceSelector.Matches(snapshot.NamespaceLabels(candidate.Namespace)));
        return inNamespace && _selector.Matches(candidate.Labels);
    }
}
