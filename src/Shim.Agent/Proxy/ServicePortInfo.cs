using System.Globalization;
using Shim.Model.Core.V1;

namespace Shim.Agent.Proxy;

/// <summary>
/// One port of a Service, with what the rules need from the Service (upstream's BaseServicePortInfo). Services
/// without a cluster IP (headless) and ExternalName services have none: nothing is proxied for them.
/// </summary>
public sealed record ServicePortInfo
{
    private string? _name;

    /// <summary>The default sessionAffinityConfig.clientIP.timeoutSeconds (3 hours).</summary>
    public const int DefaultStickySeconds = 10800;

    public required string Namespace { get; init; }

    public required string ServiceName { get; init; }

    /// <summary>The port's name, "" when the Service has one unnamed port.</summary>
    public required string PortName { get; init; }

    /// <summary>Lower case, as iptables spells it: tcp, udp, sctp.</summary>
    public required string Protocol { get; init; }

    public required string ClusterIp { get; init; }

    public required int Port { get; init; }

    public int NodePort { get; init; }

    public IReadOnlyList<string> ExternalIps { get; init; } = [];

    public IReadOnlyList<string> LoadBalancerIps { get; init; } = [];

    public bool ExternalPolicyLocal { get; init; }

    public bool InternalPolicyLocal { get; init; }

    /// <summary>Seconds a client stays with its endpoint (ClientIP session affinity), or null without affinity.</summary>
    public int? StickySeconds { get; init; }

    /// <summary>"namespace/service:port" (no ":port" for an unnamed port): upstream's ServicePortName, used in comments and hashes.</summary>
    public string Name => _name ??= PortName.Length == 0 ? $"{Namespace}/{ServiceName}" : $"{Namespace}/{ServiceName}:{PortName}";

    public ServicePortKey Key => new(Namespace, ServiceName, PortName, Protocol);

    /// <summary>Reachable other than by the cluster IP (NodePort, external IP or load balancer).</summary>
    public bool ExternallyAccessible => NodePort != 0 || ExternalIps.Count > 0 || LoadBalancerIps.Count > 0;

    /// <summary>Some traffic goes to endpoints anywhere: internal policy Cluster, or any external traffic (short circuits).</summary>
    public bool UsesClusterEndpoints => !InternalPolicyLocal || ExternallyAccessible;

    public bool UsesLocalEndpoints => InternalPolicyLocal || (ExternalPolicyLocal && ExternallyAccessible);

    /// <summary>The ports of <paramref name="service"/> the proxy handles (none for headless and ExternalName services).</summary>
    public static IEnumerable<ServicePortInfo> From(Service service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var spec = service.Spec;
        var clusterIp = spec?.ClusterIP;
        if (spec is null || spec.Type == "ExternalName" || string.IsNullOrEmpty(clusterIp) || clusterIp == "None" || clusterIp.Contains(':', StringComparison.Ordinal))
        {
            yield break;
        }

        // externalTrafficPolicy only means something for services reachable from outside (apiservice.ExternalPolicyLocal).
        var externallyAccessibleType = spec.Type is "NodePort" or "LoadBalancer" || (spec.ExternalIPs?.Count ?? 0) > 0;
        IReadOnlyList<string> externalIps = spec.ExternalIPs is { Count: > 0 } listed ? [.. listed.Where(IsIPv4)] : [];
        // Ingress points with ipMode Proxy are reached through the load balancer, not by their address (upstream IsVIPMode).
        IReadOnlyList<string> loadBalancerIps = service.Status?.LoadBalancer?.Ingress is { Count: > 0 } ingress
            ? [.. ingress.Where(i => !string.IsNullOrEmpty(i.Ip) && IsIPv4(i.Ip) && i.IpMode != "Proxy").Select(i => i.Ip!)]
            : [];
        foreach (var port in spec.Ports ?? [])
        {
            if (port.Port is not { } number)
            {
                continue;
            }

            yield return new ServicePortInfo
            {
                Namespace = service.Metadata?.Namespace ?? "default",
                ServiceName = service.Metadata?.Name ?? "",
                PortName = port.Name ?? "",
                Protocol = LowerCaseProtocol(port.Protocol),
                ClusterIp = clusterIp,
                Port = number,
                NodePort = port.NodePort ?? 0,
                ExternalIps = externalIps,
                LoadBalancerIps = loadBalancerIps,
                ExternalPolicyLocal = externallyAccessibleType && spec.ExternalTrafficPolicy == "Local",
                InternalPolicyLocal = spec.InternalTrafficPolicy == "Local",
                StickySeconds = spec.SessionAffinity == "ClientIP" ? spec.SessionAffinityConfig?.ClientIP?.TimeoutSeconds ?? DefaultStickySeconds : null,
            };
        }
    }

    /// <summary>"tcp", "udp" or "sctp" for the API's TCP, UDP, SCTP (TCP when unset), without allocating for those.</summary>
    public static string LowerCaseProtocol(string? protocol) => protocol switch
    {
        null or "TCP" => "tcp",
        "UDP" => "udp",
        "SCTP" => "sctp",
        _ => protocol.ToLowerInvariant(),
    };

    /// <summary>Equal when every field is, the address lists compared by content (a render reuses the rules of an equal port).</summary>
    public bool Equals(ServicePortInfo? other) =>
        other is not null && Namespace == other.Namespace && ServiceName == other.ServiceName && PortName == other.PortName &&
        Protocol == other.Protocol && ClusterIp == other.ClusterIp && Port == other.Port && NodePort == other.NodePort &&
        ExternalIps.SequenceEqual(other.ExternalIps, StringComparer.Ordinal) && LoadBalancerIps.SequenceEqual(other.LoadBalancerIps, StringComparer.Ordinal) &&
        ExternalPolicyLocal == other.ExternalPolicyLocal && InternalPolicyLocal == other.InternalPolicyLocal && StickySeconds == other.StickySeconds;

    public override int GetHashCode() => HashCode.Combine(Namespace, ServiceName, PortName, Protocol, ClusterIp, Port);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}/{Protocol} {ClusterIp}:{Port}");

    private static bool IsIPv4(string address) => System.Net.IPAddress.TryParse(address, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
}
