using System.Net;

namespace Shim.Agent.Dns;

/// <summary>A service as DNS sees it, with the endpoints of its slices that count (ready, or all when it publishes not-ready addresses).</summary>
internal sealed record ClusterDnsService(
    string Name,
    string Namespace,
    ClusterDnsServiceKind Kind,
    IReadOnlyList<IPAddress> ClusterIPs,
    IReadOnlyList<ClusterDnsPort> Ports,
    string? ExternalName,
    IReadOnlyList<ClusterDnsEndpoint> Endpoints)
{
    /// <summary>The service's name below the zone: <c>name.namespace.svc</c>.</summary>
    public string RelativeName => $"{Name}.{Namespace}.svc";
}
