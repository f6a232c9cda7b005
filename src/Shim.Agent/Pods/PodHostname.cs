using Shim.Model.Core.V1;

namespace Shim.Agent.Pods;

/// <summary>The hostname and domain a pod's sandbox gets, as the kubelet derives them.</summary>
public static class PodHostname
{
    private const int MaxHostnameLength = 63;

    /// <summary>spec.hostname, else the pod name truncated to 63 characters (without a trailing '-' or '.').</summary>
    public static string Hostname(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (pod.Spec?.Hostname is { Length: > 0 } hostname)
        {
            return hostname;
        }

        var name = pod.Metadata?.Name ?? "";
        return name.Length <= MaxHostnameLength ? name : name[..MaxHostnameLength].TrimEnd('-', '.');
    }

    /// <summary>"&lt;subdomain&gt;.&lt;namespace&gt;.svc.&lt;cluster domain&gt;" when spec.subdomain is set, else null.</summary>
    public static string? Domain(Pod pod, string clusterDomain)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return pod.Spec?.Subdomain is { Length: > 0 } subdomain ? $"{subdomain}.{pod.Metadata?.Namespace}.svc.{clusterDomain}" : null;
    }
}
