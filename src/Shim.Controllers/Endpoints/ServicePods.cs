using System.Net;
using System.Net.Sockets;
using Shim.Controllers.Runtime;
using Shim.Model.Core.V1;

namespace Shim.Controllers.Endpoints;

/// <summary>
/// The facts about a Service and its pods both endpoint controllers decide by, as upstream's endpointslice util
/// package (ShouldPodBeInEndpoints, ShouldSetHostname, FindPort) and the service helpers.
/// </summary>
public static class ServicePods
{
    public const string ClusterIpNone = "None";

    /// <summary>
    /// Whether the service's selector matches labels in a namespace. A service without selector selects nothing (its
    /// endpoints are written by someone else); an empty selector selects every pod of the namespace, as upstream.
    /// </summary>
    public static bool Selects(Service service, string? @namespace, IReadOnlyDictionary<string, string>? labels) =>
        service.Spec?.Selector is { } selector && service.Metadata?.Namespace == @namespace
        && selector.All(kv => labels is not null && labels.TryGetValue(kv.Key, out var value) && value == kv.Value);

    /// <summary>The pods the service's selector matches, in name order so that results are stable.</summary>
    public static List<Pod> Selected(Service service, IEnumerable<Pod> pods) =>
        [.. pods.Where(p => Selects(service, p.Metadata?.Namespace, p.Metadata?.Labels)).OrderBy(p => p.Metadata?.Name, StringComparer.Ordinal)];

    /// <summary>
    /// Finished pods and pods without an IP are never endpoints; terminating pods only when asked for (the slice
    /// controller always includes them with a terminating condition, Endpoints only for publishNotReadyAddresses).
    /// </summary>
    public static bool ShouldBeInEndpoints(Pod pod, bool includeTerminating) =>
        !PodStates.IsFinished(pod) && PodIps(pod).Count > 0 && (includeTerminating || !PodStates.IsTerminating(pod));

    /// <summary>A pod's hostname is published when its subdomain names this service (the DNS name hostname.service).</summary>
    public static bool ShouldSetHostname(Pod pod, Service service) =>
        !string.IsNullOrEmpty(pod.Spec?.Hostname) && pod.Spec.Subdomain == service.Metadata?.Name && pod.Metadata?.Namespace == service.Metadata?.Namespace;

    /// <summary>
    /// The pod port a service port targets: a number as is; a name looked up among the containers' ports (and those of
    /// sidecar init containers) with the same protocol. Null when this pod has no such named port.
    /// </summary>
    public static int? FindPort(Pod pod, ServicePort servicePort)
    {
        if (servicePort.TargetPort is not { } target)
        {
            // The API server defaults targetPort to port; an object that skipped defaulting means the same.
            return servicePort.Port;
        }

        if (target.IsInt)
        {
            return target.IntValue;
        }

        var protocol = servicePort.Protocol ?? "TCP";
        var sidecars = (pod.Spec?.InitContainers ?? []).Where(c => c.RestartPolicy == "Always");
        return (pod.Spec?.Containers ?? []).Concat(sidecars)
            .SelectMany(c => c.Ports ?? [])
            .FirstOrDefault(p => p.Name == target.StringValue && (p.Protocol ?? "TCP") == protocol)?.ContainerPortValue;
    }

    /// <summary>Whether the service has a cluster IP (it is neither headless nor still waiting for one).</summary>
    public static bool IsServiceIpSet(Service service) =>
        service.Spec?.ClusterIP is { Length: > 0 } ip && ip != ClusterIpNone;

    /// <summary>The pod's IPs: status.podIPs, or status.podIP when only that is reported.</summary>
    public static List<string> PodIps(Pod pod)
    {
        var ips = pod.Status?.PodIPs?.Select(p => p.Ip).OfType<string>().Where(ip => ip.Length > 0).ToList() ?? [];
        if (ips.Count == 0 && pod.Status?.PodIP is { Length: > 0 } single)
        {
            ips.Add(single);
        }

        return ips;
    }

    public static bool IsIPv6(string ip) =>
        IPAddress.TryParse(ip, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;
}
