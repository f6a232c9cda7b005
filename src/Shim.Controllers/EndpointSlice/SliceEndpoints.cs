using System.Net;
using Shim.Controllers.Endpoints;
using Shim.Controllers.Runtime;
using Shim.Model.Core.V1;
using Shim.Model.Discovery.V1;
using EndpointPort = Shim.Model.Discovery.V1.EndpointPort;

namespace Shim.Controllers.EndpointSlices;

/// <summary>
/// A pod as an EndpointSlice endpoint and the ports it serves, as upstream's podToEndpoint / getEndpointPorts, plus
/// the identity and equality the reconciler keeps endpoints in place by (upstream's endpoint hash).
/// </summary>
public static class SliceEndpoints
{
    public const string AddressTypeIPv4 = "IPv4";
    public const string AddressTypeIPv6 = "IPv6";
    public const string ZoneLabel = "topology.kubernetes.io/zone";

    /// <summary>
    /// ready = serving and not terminating (always true with publishNotReadyAddresses); serving = the pod's Ready
    /// condition; terminating = deletion started.
    /// </summary>
    public static Endpoint For(Pod pod, Node? node, Service service, string addressType)
    {
        var serving = PodStates.IsReady(pod);
        var terminating = PodStates.IsTerminating(pod);
        return new Endpoint
        {
            Addresses = [.. ServicePods.PodIps(pod).Where(ip => ServicePods.IsIPv6(ip) == (addressType == AddressTypeIPv6)).Select(Canonical)],
            Conditions = new EndpointConditions
            {
                Ready = service.Spec?.PublishNotReadyAddresses == true || (serving && !terminating),
                Serving = serving,
                Terminating = terminating,
            },
            TargetRef = new ObjectReference { Kind = "Pod", Namespace = pod.Metadata?.Namespace, Name = pod.Metadata?.Name, Uid = pod.Metadata?.Uid },
            NodeName = string.IsNullOrEmpty(pod.Spec?.NodeName) ? null : pod.Spec.NodeName,
            Zone = node?.Metadata?.Labels?.GetValueOrDefault(ZoneLabel) is { Length: > 0 } zone ? zone : null,
            Hostname = ServicePods.ShouldSetHostname(pod, service) ? pod.Spec!.Hostname : null,
        };
    }

    /// <summary>
    /// The service ports resolved for this pod; a named target port the pod lacks is left out, so pods resolving
    /// ports differently end up in different slices. A headless service may have no ports at all.
    /// </summary>
    public static List<EndpointPort> PortsFor(Service service, Pod pod)
    {
        var ports = new List<EndpointPort>();
        foreach (var servicePort in service.Spec?.Ports ?? [])
        {
            if (ServicePods.FindPort(pod, servicePort) is { } number)
            {
                ports.Add(new EndpointPort { Name = servicePort.Name ?? "", Port = number, Protocol = servicePort.Protocol ?? "TCP", AppProtocol = servicePort.AppProtocol });
            }
        }

        return ports;
    }

    /// <summary>The same key for the same set of ports in any order (upstream's PortMapKey).</summary>
    public static string PortsKey(IEnumerable<EndpointPort>? ports) =>
        string.Join(";", (ports ?? []).Select(p => $"{p.Name}/{p.Port}/{p.Protocol ?? "TCP"}/{p.AppProtocol}").Order(StringComparer.Ordinal));

    /// <summary>
    /// What makes an endpoint the same endpoint: its addresses, hostname and pod. Everything else (conditions, node,
    /// zone) may change in place, so a pod becoming ready updates its slice instead of moving to another.
    /// </summary>
    public static string IdentityOf(Endpoint endpoint) =>
        $"{string.Join(",", (endpoint.Addresses ?? []).Order(StringComparer.Ordinal))}|{endpoint.Hostname}|{endpoint.TargetRef?.Namespace}/{endpoint.TargetRef?.Name}";

    /// <summary>Equal in what <see cref="IdentityOf"/> leaves out, ignoring the pod's resourceVersion (upstream's EndpointsEqualBeyondHash).</summary>
    public static bool EqualBeyondIdentity(Endpoint a, Endpoint b) =>
        a.NodeName == b.NodeName
        && a.Zone == b.Zone
        && a.Conditions?.Ready == b.Conditions?.Ready
        && a.Conditions?.Serving == b.Conditions?.Serving
        && a.Conditions?.Terminating == b.Conditions?.Terminating
        && a.TargetRef?.Kind == b.TargetRef?.Kind
        && a.TargetRef?.Namespace == b.TargetRef?.Namespace
        && a.TargetRef?.Name == b.TargetRef?.Name
        && a.TargetRef?.Uid == b.TargetRef?.Uid
        && a.TargetRef?.ApiVersion == b.TargetRef?.ApiVersion
        && a.TargetRef?.FieldPath == b.TargetRef?.FieldPath;

    /// <summary>
    /// The address types the service gets slices for: its IP families, else its cluster IP's family, else IPv4.
    /// Upstream publishes both families for a headless service without ipFamilies; Shim's pod network is IPv4 only,
    /// and a service still waiting for its cluster IP should not get an empty IPv6 placeholder slice.
    /// </summary>
    public static List<string> AddressTypes(Service service)
    {
        var types = (service.Spec?.IpFamilies ?? []).Select(f => f switch { "IPv4" => AddressTypeIPv4, "IPv6" => AddressTypeIPv6, _ => null })
            .OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (types.Count > 0)
        {
            return types;
        }

        return [ServicePods.IsServiceIpSet(service) && ServicePods.IsIPv6(service.Spec!.ClusterIP!) ? AddressTypeIPv6 : AddressTypeIPv4];
    }

    /// <summary>Addresses as the parsed IP prints itself, as upstream re-stringifies pod IPs.</summary>
    private static string Canonical(string ip) => IPAddress.TryParse(ip, out var parsed) ? parsed.ToString() : ip;
}
