using System.Text.Json;
using System.Text.Json.Nodes;
using Shim.Controllers.Runtime;
using Shim.Model;
using Shim.Model.Core.V1;

namespace Shim.Controllers.Endpoints;

/// <summary>
/// The subsets of a selector service's Endpoints, in upstream's canonical form (RepackSubsets): one subset per
/// distinct set of addresses, carrying every port those addresses serve; ready addresses in addresses, the others in
/// notReadyAddresses; addresses ordered by IP then pod UID, so an unchanged cluster yields identical subsets.
/// </summary>
public static class EndpointSubsets
{
    /// <summary>Upstream's maxCapacity: more addresses than this are truncated (ready ones kept first).</summary>
    public const int MaxAddresses = 1000;

    public static List<EndpointSubset> For(Service service, IEnumerable<Pod> pods)
    {
        var publishNotReady = service.Spec?.PublishNotReadyAddresses == true;
        var servicePorts = service.Spec?.Ports ?? [];
        var headlessWithoutPorts = servicePorts.Count == 0 && service.Spec?.ClusterIP == ServicePods.ClusterIpNone;

        // Every (port, address) pair first; a headless service without ports uses one port-less entry.
        var byPort = new Dictionary<string, PortAddresses>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            if (!ServicePods.ShouldBeInEndpoints(pod, includeTerminating: publishNotReady) || AddressFor(service, pod) is not { } address)
            {
                continue;
            }

            var ready = publishNotReady || PodStates.IsReady(pod);
            if (headlessWithoutPorts)
            {
                Add(byPort, null, address, ready);
            }

            foreach (var servicePort in servicePorts)
            {
                // A pod without the named target port serves the others but not this one.
                if (ServicePods.FindPort(pod, servicePort) is { } number)
                {
                    Add(byPort, PortOf(servicePort, number), address, ready);
                }
            }
        }

        // Then the ports that share exactly the same addresses become one subset.
        return [.. byPort.Values
            .GroupBy(p => p.Signature(), StringComparer.Ordinal)
            .Select(group => Subset([.. group]))
            .OrderBy(s => string.Join(";", (s.Ports ?? []).Select(PortKey)), StringComparer.Ordinal)];
    }

    /// <summary>
    /// Cuts the subsets down to <see cref="MaxAddresses"/> as upstream's truncateEndpoints: each subset keeps its
    /// proportional share, not-ready addresses go first, and only if the ready ones alone are too many are those cut
    /// too. Returns whether anything was cut (the endpoints.kubernetes.io/over-capacity annotation).
    /// </summary>
    public static bool Truncate(List<EndpointSubset> subsets)
    {
        var totalReady = subsets.Sum(s => s.Addresses?.Count ?? 0);
        var totalNotReady = subsets.Sum(s => s.NotReadyAddresses?.Count ?? 0);
        if (totalReady + totalNotReady <= MaxAddresses)
        {
            return false;
        }

        var truncateReady = totalReady > MaxAddresses;
        var budget = truncateReady ? MaxAddresses : MaxAddresses - totalReady;
        var total = truncateReady ? totalReady : totalNotReady;
        var left = budget;
        foreach (var subset in subsets)
        {
            var inSubset = truncateReady ? subset.Addresses?.Count ?? 0 : subset.NotReadyAddresses?.Count ?? 0;
            var share = Math.Min((int)Math.Ceiling((double)inSubset / total * budget), left);
            if (truncateReady)
            {
                subset.Addresses = subset.Addresses?.Take(share).ToList();
                subset.NotReadyAddresses = null;
                left -= subset.Addresses?.Count ?? 0;
            }
            else
            {
                subset.NotReadyAddresses = subset.NotReadyAddresses?.Take(share).ToList();
                left -= subset.NotReadyAddresses?.Count ?? 0;
            }
        }

        return true;
    }

    /// <summary>Equal content, ignoring the pods' resourceVersions in targetRef (a pod write alone changes nothing).</summary>
    public static bool AreEqual(List<EndpointSubset>? current, List<EndpointSubset> desired)
    {
        var old = JsonSerializer.SerializeToNode(current ?? [], ModelJson.Options)!;
        foreach (var reference in old.AsArray().SelectMany(Addresses).Select(a => a?["targetRef"]).OfType<JsonObject>())
        {
            reference.Remove("resourceVersion");
        }

        return JsonNode.DeepEquals(old, JsonSerializer.SerializeToNode(desired, ModelJson.Options));
    }

    /// <summary>The pod's address in the service's IP family: the first family of the service, else its cluster IP's, else the pod's own.</summary>
    private static EndpointAddress? AddressFor(Service service, Pod pod)
    {
        var ips = ServicePods.PodIps(pod);
        bool ipv6;
        if (service.Spec?.IpFamilies is { Count: > 0 } families)
        {
            ipv6 = families[0] == "IPv6";
        }
        else if (ServicePods.IsServiceIpSet(service))
        {
            ipv6 = ServicePods.IsIPv6(service.Spec!.ClusterIP!);
        }
        else
        {
            ipv6 = ips.Count > 0 && ServicePods.IsIPv6(ips[0]);
        }

        if (ips.FirstOrDefault(ip => ServicePods.IsIPv6(ip) == ipv6) is not { } chosen)
        {
            return null;
        }

        return new EndpointAddress
        {
            Ip = chosen,
            NodeName = string.IsNullOrEmpty(pod.Spec?.NodeName) ? null : pod.Spec.NodeName,
            Hostname = ServicePods.ShouldSetHostname(pod, service) ? pod.Spec!.Hostname : null,
            TargetRef = new ObjectReference { Kind = "Pod", Namespace = pod.Metadata?.Namespace, Name = pod.Metadata?.Name, Uid = pod.Metadata?.Uid },
        };
    }

    private static EndpointPort PortOf(ServicePort servicePort, int number) => new()
    {
        Name = string.IsNullOrEmpty(servicePort.Name) ? null : servicePort.Name,
        Port = number,
        Protocol = servicePort.Protocol ?? "TCP",
        AppProtocol = servicePort.AppProtocol,
    };

    private static void Add(Dictionary<string, PortAddresses> byPort, EndpointPort? port, EndpointAddress address, bool ready)
    {
        var portKey = port is null ? "" : PortKey(port);
        if (!byPort.TryGetValue(portKey, out var entry))
        {
            entry = byPort[portKey] = new PortAddresses(port, new Dictionary<string, (EndpointAddress, bool)>(StringComparer.Ordinal));
        }

        var addressKey = $"{address.Ip}/{address.TargetRef?.Uid}";
        // Not ready wins when the same address is seen twice, as upstream's mapAddressByPort.
        entry.Addresses[addressKey] = entry.Addresses.TryGetValue(addressKey, out var seen) ? (seen.Address, seen.Ready && ready) : (address, ready);
    }

    private static EndpointSubset Subset(List<PortAddresses> ports)
    {
        var addresses = ports[0].Addresses.Values
            .OrderBy(a => a.Address.Ip, StringComparer.Ordinal).ThenBy(a => a.Address.TargetRef?.Uid, StringComparer.Ordinal).ToList();
        return new EndpointSubset
        {
            Addresses = NullIfEmpty(addresses.Where(a => a.Ready).Select(a => a.Address)),
            NotReadyAddresses = NullIfEmpty(addresses.Where(a => !a.Ready).Select(a => a.Address)),
            Ports = NullIfEmpty(ports.Select(p => p.Port).OfType<EndpointPort>().OrderBy(PortKey, StringComparer.Ordinal)),
        };
    }

    private static string PortKey(EndpointPort port) => $"{port.Name}/{port.Port}/{port.Protocol}/{port.AppProtocol}";

    private static List<T>? NullIfEmpty<T>(IEnumerable<T> items) => items.ToList() is { Count: > 0 } list ? list : null;

    private static IEnumerable<JsonNode?> Addresses(JsonNode? subset) =>
        ((subset?["addresses"] as JsonArray) ?? []).Concat((subset?["notReadyAddresses"] as JsonArray) ?? []);

    /// <summary>One port and the addresses serving it (keyed by IP and pod UID), with their readiness.</summary>
    private sealed record PortAddresses(EndpointPort? Port, Dictionary<string, (EndpointAddress Address, bool Ready)> Addresses)
    {
        public string Signature() => string.Join(";", Addresses.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value.Ready}"));
    }
}
