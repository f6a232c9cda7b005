using System.Globalization;
using Shim.Controllers.Runtime;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;
using Set = Shim.Model.Apps.V1.StatefulSet;

namespace Shim.Controllers.StatefulSet;

/// <summary>A StatefulSet pod's identity: its name and ordinal, the labels naming it, its claims and their volumes.</summary>
internal static class StatefulSetPods
{
    public const string PodNameLabel = "statefulset.kubernetes.io/pod-name";
    public const string PodIndexLabel = "apps.kubernetes.io/pod-index";
    public const string RevisionLabel = "controller-revision-hash";

    public static int StartOrdinal(Set set) => set.Spec?.Ordinals?.Start ?? 0;

    public static string PodName(Set set, int ordinal) => $"{set.Metadata!.Name}-{ordinal.ToString(CultureInfo.InvariantCulture)}";

    public static string ClaimName(Set set, PersistentVolumeClaim template, int ordinal) =>
        $"{template.Metadata?.Name}-{set.Metadata!.Name}-{ordinal.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The ordinal in "set-N", or -1 when the name is not of that form for this set.</summary>
    public static int OrdinalOf(Set set, Pod pod)
    {
        var name = pod.Metadata?.Name ?? "";
        var prefix = set.Metadata!.Name + "-";
        return name.StartsWith(prefix, StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal)
            && PodName(set, ordinal) == name
            ? ordinal
            : -1;
    }

    public static string? RevisionOf(Pod pod) => pod.Metadata?.Labels?.GetValueOrDefault(RevisionLabel);

    /// <summary>A pod for <paramref name="ordinal"/> from <paramref name="template"/> (the template of the revision it belongs to).</summary>
    public static Pod NewPod(Set set, PodTemplateSpec template, int ordinal, string revision)
    {
        var copy = ModelCopy.Of(template);
        var name = PodName(set, ordinal);
        var labels = new Dictionary<string, string>(copy.Metadata?.Labels ?? [], StringComparer.Ordinal)
        {
            [PodNameLabel] = name,
            [PodIndexLabel] = ordinal.ToString(CultureInfo.InvariantCulture),
            [RevisionLabel] = revision,
        };
        var spec = copy.Spec ?? new PodSpec();
        spec.Hostname = name;
        spec.Subdomain = string.IsNullOrEmpty(set.Spec?.ServiceName) ? null : set.Spec.ServiceName;
        spec.Volumes = WithClaimVolumes(set, spec.Volumes, ordinal);
        return new Pod
        {
            Metadata = new ObjectMeta
            {
                Name = name,
                Namespace = set.Metadata!.Namespace,
                Labels = labels,
                Annotations = copy.Metadata?.Annotations,
                Finalizers = copy.Metadata?.Finalizers,
                OwnerReferences = [OwnerReferences.ControllerReference(set)],
            },
            Spec = spec,
        };
    }

    /// <summary>The claims the pod at <paramref name="ordinal"/> mounts, named per ordinal, labelled with the set's selector.</summary>
    public static IEnumerable<PersistentVolumeClaim> Claims(Set set, int ordinal)
    {
        foreach (var template in set.Spec?.VolumeClaimTemplates ?? [])
        {
            var claim = ModelCopy.Of(template);
            var labels = new Dictionary<string, string>(claim.Metadata?.Labels ?? [], StringComparer.Ordinal);
            foreach (var (key, value) in set.Spec?.Selector?.MatchLabels ?? [])
            {
                labels[key] = value;
            }

            claim.Metadata = new ObjectMeta
            {
                Name = ClaimName(set, template, ordinal),
                Namespace = set.Metadata!.Namespace,
                Labels = labels,
                Annotations = claim.Metadata?.Annotations,
            };
            claim.Status = null;
            yield return claim;
        }
    }

    /// <summary>Volumes named like a claim template become that claim; the template's other volumes stay.</summary>
    private static List<Volume>? WithClaimVolumes(Set set, List<Volume>? volumes, int ordinal)
    {
        var templates = set.Spec?.VolumeClaimTemplates ?? [];
        if (templates.Count == 0)
        {
            return volumes;
        }

        var claimNames = templates.Select(t => t.Metadata?.Name).ToHashSet(StringComparer.Ordinal);
        var result = templates.Select(t => new Volume
        {
            Name = t.Metadata?.Name,
            PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = ClaimName(set, t, ordinal) },
        }).ToList();
        result.AddRange((volumes ?? []).Where(v => !claimNames.Contains(v.Name)));
        return result;
    }
}
