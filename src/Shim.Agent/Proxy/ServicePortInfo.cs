using System.Globalization;
using Shim.Model.Core.V1;

namespace Shim.Agent.Proxy;

/// <summary>
/// One port of a Service, with what the rules need from the Service (upstream's BaseServicePortInfo). Services
/// without a cluster IP (headless) and ExternalName services have none: nothing is proxied for them.
/// </summary>
public sealed record ServicePortInfo
{
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
    public string Name => PortName.Length == 0 ? $"{Namespace}/{ServiceName}" : $"{Namespace}/{ServiceName}:{PortName}";

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
        var externalIps = (spec.ExternalIPs ?? []).Where(IsIPv4).ToList();
        // Ingress points with ipMode Proxy are reached through the load balancer, not by their address (upstream IsVIPMode).
        var loadBalancerIps = (service.Status?.LoadBalancer?.Ingress ?? [])
            .Where(i => !string.IsNullOrEmpty(i.Ip) && IsIPv4(i.Ip) && i.IpMode != "Proxy")
            .Select(i => i.Ip!)
            .ToList();
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
                Protocol = (port.Protocol ?? "TCP").ToLowerInvariant(),
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

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}/{Protocol} {ClusterIp}:{Port}");

    private static bool IsIPv4(string address) => System.Net.IPAddress.TryParse(address, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
}
