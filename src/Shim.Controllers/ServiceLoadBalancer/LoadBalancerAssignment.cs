using System.Net;
using System.Net.Sockets;
using Shim.Client;
using Shim.Model.Core.V1;

namespace Shim.Controllers.ServiceLoadBalancer;

/// <summary>
/// The built-in load balancer's decisions, like k3s ServiceLB: every node that can take traffic publishes its
/// InternalIP for every LoadBalancer service, and each node's service proxy forwards those addresses' ports. Since
/// every service shares the same node addresses, two services cannot have the same port and protocol: the oldest
/// service (creationTimestamp, then namespace/name) keeps it and the younger gets no ingress until the port is free.
/// </summary>
public static class LoadBalancerAssignment
{
    /// <summary>Upstream's label for nodes that must not receive load balancer traffic.</summary>
    public const string ExcludeLabel = "node.kubernetes.io/exclude-from-external-load-balancers";

    /// <summary>A LoadBalancer service without loadBalancerClass (a class means another implementation serves it).</summary>
    public static bool IsServed(Service service) =>
        service.Spec?.Type == "LoadBalancer" && string.IsNullOrEmpty(service.Spec.LoadBalancerClass);

    public static bool HasIngress(Service service) => service.Status?.LoadBalancer?.Ingress is { Count: > 0 };

    /// <summary>A node takes load balancer traffic when Ready, schedulable, not excluded and not being deleted.</summary>
    public static bool TakesTraffic(Node node) =>
        node.Metadata?.DeletionTimestamp is null
        && node.Spec?.Unschedulable != true
        && node.Metadata?.Labels?.ContainsKey(ExcludeLabel) != true
        && node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status == "True";

    public static IEnumerable<string> InternalIps(Node node) =>
        (node.Status?.Addresses ?? []).Where(a => a.Type == "InternalIP" && IPAddress.TryParse(a.Address, out _)).Select(a => a.Address!);

    /// <summary>The InternalIPs of the nodes taking traffic, without duplicates, in address order.</summary>
    public static List<string> NodeAddresses(IEnumerable<Node> nodes) =>
        [.. nodes.Where(TakesTraffic).SelectMany(InternalIps).Distinct(StringComparer.Ordinal).Order(AddressOrder.Instance)];

    /// <summary>The decision for every served service, by service key.</summary>
    public static Dictionary<string, LoadBalancerDecision> Assign(IEnumerable<Service> services, IReadOnlyList<string> nodeAddresses)
    {
        var decisions = new Dictionary<string, LoadBalancerDecision>(StringComparer.Ordinal);
        var holders = new Dictionary<string, string>(StringComparer.Ordinal);
        var oldestFirst = services.Where(IsServed)
            .OrderBy(s => s.Metadata?.CreationTimestamp ?? DateTimeOffset.MaxValue)
            .ThenBy(Informer<Service>.KeyOf, StringComparer.Ordinal);
        foreach (var service in oldestFirst)
        {
            var key = Informer<Service>.KeyOf(service);
            var ports = (service.Spec?.Ports ?? []).Select(p => $"{p.Port}/{p.Protocol ?? "TCP"}").Distinct(StringComparer.Ordinal).ToList();
            if (ports.FirstOrDefault(holders.ContainsKey) is { } taken)
            {
                // A losing service claims none of its ports, so it blocks nobody else.
                decisions[key] = new LoadBalancerDecision([], $"port {taken} is already used by LoadBalancer service {holders[taken]}");
                continue;
            }

            foreach (var port in ports)
            {
                holders[port] = key;
            }

            // The service's IP families decide which node addresses it publishes (IPv4 when it names none).
            var families = service.Spec?.IpFamilies is { Count: > 0 } named ? named : ["IPv4"];
            decisions[key] = new LoadBalancerDecision([.. nodeAddresses.Where(a => families.Contains(IsIPv6(a) ? "IPv6" : "IPv4"))], null);
        }

        return decisions;
    }

    private static bool IsIPv6(string address) => IPAddress.Parse(address).AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>Numeric address order (IPv4 before IPv6), so 10.0.0.9 comes before 10.0.0.10.</summary>
    private sealed class AddressOrder : IComparer<string>
    {
        public static readonly AddressOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            var a = IPAddress.Parse(x!).GetAddressBytes();
            var b = IPAddress.Parse(y!).GetAddressBytes();
            return a.Length != b.Length ? a.Length.CompareTo(b.Length) : a.AsSpan().SequenceCompareTo(b);
        }
    }
}
