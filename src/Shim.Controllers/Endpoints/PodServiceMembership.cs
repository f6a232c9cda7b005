using Shim.Client;
using Shim.Controllers.Runtime;
using Shim.Model.Core.V1;

namespace Shim.Controllers.Endpoints;

/// <summary>
/// Which services a pod event concerns, as upstream's GetPodServiceMemberships / GetServicesToUpdateOnPodChange:
/// a pod update that changes nothing an endpoint shows (say, an annotation) touches no service at all.
/// </summary>
public static class PodServiceMembership
{
    /// <summary>Keys of the services selecting the pod (for adds and deletes).</summary>
    public static HashSet<string> Of(IEnumerable<Service> services, Pod pod) =>
        Selecting(services, pod.Metadata?.Namespace, pod.Metadata?.Labels);

    /// <summary>
    /// Keys of the services an update concerns: those selecting the pod when its endpoint changed; when only its labels
    /// (or hostname/subdomain) changed, only the services it joined or left.
    /// </summary>
    public static HashSet<string> OnUpdate(IEnumerable<Service> services, Pod old, Pod pod)
    {
        if (old.Metadata?.ResourceVersion == pod.Metadata?.ResourceVersion)
        {
            return [];
        }

        var all = services.ToList();
        var endpointChanged = EndpointChanged(old, pod);
        var membershipChanged = !SameLabels(old.Metadata?.Labels, pod.Metadata?.Labels)
            || old.Spec?.Hostname != pod.Spec?.Hostname || old.Spec?.Subdomain != pod.Spec?.Subdomain;
        if (!endpointChanged && !membershipChanged)
        {
            return [];
        }

        var current = Selecting(all, pod.Metadata?.Namespace, pod.Metadata?.Labels);
        if (!membershipChanged)
        {
            return current;
        }

        var previous = Selecting(all, old.Metadata?.Namespace, old.Metadata?.Labels);
        if (endpointChanged)
        {
            current.UnionWith(previous);
        }
        else
        {
            current.SymmetricExceptWith(previous);
        }

        return current;
    }

    /// <summary>
    /// Upstream's podEndpointsChanged: deletion started, readiness flipped or the IPs changed. A pod turning terminal
    /// is added here, since it leaves the endpoints even if its readiness was already false.
    /// </summary>
    private static bool EndpointChanged(Pod old, Pod pod) =>
        old.Metadata?.DeletionTimestamp != pod.Metadata?.DeletionTimestamp
        || PodStates.IsReady(old) != PodStates.IsReady(pod)
        || PodStates.IsFinished(old) != PodStates.IsFinished(pod)
        || !ServicePods.PodIps(old).SequenceEqual(ServicePods.PodIps(pod), StringComparer.Ordinal);

    private static HashSet<string> Selecting(IEnumerable<Service> services, string? @namespace, Dictionary<string, string>? labels) =>
        services.Where(s => ServicePods.Selects(s, @namespace, labels)).Select(Informer<Service>.KeyOf).ToHashSet(StringComparer.Ordinal);

    private static bool SameLabels(Dictionary<string, string>? a, Dictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a is null || a.All(kv => b!.TryGetValue(kv.Key, out var v) && v == kv.Value));
}
