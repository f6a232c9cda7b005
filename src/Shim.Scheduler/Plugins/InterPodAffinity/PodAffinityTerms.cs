using System.Runtime.CompilerServices;
using Shim.Scheduler.Snapshot;

namespace Shim.Scheduler.Plugins.InterPodAffinity;

/// <summary>A pod's four kinds of pod affinity terms, parsed once per pod object.</summary>
internal sealed class PodAffinityTerms
{
    private static readonly ConditionalWeakTable<PodInfo, PodAffinityTerms> Cache = [];

    private PodAffinityTerms(PodInfo pod)
    {
        var affinity = pod.Affinity;
        RequiredAffinity = (affinity?.PodAffinity?.RequiredDuringSchedulingIgnoredDuringExecution ?? [])
            .Select(t => AffinityTerm.From(pod, t)).ToList();
        RequiredAntiAffinity = (affinity?.PodAntiAffinity?.RequiredDuringSchedulingIgnoredDuringExecution ?? [])
            .Select(t => AffinityTerm.From(pod, t)).ToList();
        PreferredAffinity = (affinity?.PodAffinity?.PreferredDuringSchedulingIgnoredDuringExecution ?? [])
            .Where(w => w.PodAffinityTerm is not null)
            .Select(w => AffinityTerm.From(pod, w.PodAffinityTerm!, w.Weight ?? 0)).ToList();
        PreferredAntiAffinity = (affinity?.PodAntiAffinity?.PreferredDuringSchedulingIgnoredDuringExecution ?? [])
            .Where(w => w.PodAffinityTerm is not null)
            .Select(w => AffinityTerm.From(pod, w.PodAffinityTerm!, w.Weight ?? 0)).ToList();
    }

    public IReadOnlyList<AffinityTerm> RequiredAffinity { get; }

    public IReadOnlyList<AffinityTerm> RequiredAntiAffinity { get; }

    public IReadOnlyList<AffinityTerm> PreferredAffinity { get; }

    public IReadOnlyList<AffinityTerm> PreferredAntiAffinity { get; }

    public bool IsEmpty => RequiredAffinity.Count == 0 && RequiredAntiAffinity.Count == 0 && PreferredAffinity.Count == 0 && PreferredAntiAffinity.Count == 0;

    public static PodAffinityTerms Of(PodInfo pod) => Cache.GetValue(pod, static p => new PodAffinityTerms(p));
}
