using System.Net;

namespace Shim.Agent.Dns;

/// <summary>
/// One address of a service's endpoint slices that DNS publishes. <paramref name="Hostname"/> is the endpoint's
/// hostname, or its address with dashes (10-244-1-5) when it has none, as CoreDNS names endpoints.
/// </summary>
internal sealed record ClusterDnsEndpoint(IPAddress Address, string Hostname, IReadOnlyList<ClusterDnsPort> Ports);
