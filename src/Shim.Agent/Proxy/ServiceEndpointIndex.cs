using Shim.Model.Discovery.V1;

namespace Shim.Agent.Proxy;

/// <summary>
/// The endpoints of every service port, merged from all EndpointSlices of a service (found by their
/// kubernetes.io/service-name label), as upstream's EndpointSliceCache does: a slice port serves the service port of
/// the same name and protocol; an address seen in several slices counts once, preferring a non-terminating entry;
/// endpoints are sorted by "ip:port" so the rules do not change with the order slices arrive in.
/// </summary>
public sealed class ServiceEndpointIndex
{
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    private static readonly IReadOnlyList<ProxyEndpoint> None = [];

    private readonly Dictionary<(string Namespace, string Service, string Port, string Protocol), IReadOnlyList<ProxyEndpoint>> _endpoints;

    private ServiceEndpointIndex(Dictionary<(string, string, string, string), IReadOnlyList<ProxyEndpoint>> endpoints) => _endpoints = endpoints;

    /// <summary>The endpoints of <paramref name="port"/>, or an empty list.</summary>
    public IReadOnlyList<ProxyEndpoint> For(ServicePortInfo port)
    {
        ArgumentNullException.ThrowIfNull(port);
        return _endpoints.GetValueOrDefault((port.Namespace, port.ServiceName, port.PortName, port.Protocol), None);
    }

    public static ServiceEndpointIndex Build(IEnumerable<EndpointSlice> slices, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(slices);
        var merged = new Dictionary<(string, string, string, string), Dictionary<string, ProxyEndpoint>>();
        // Slice name order makes the choice between duplicate addresses independent of the cache's order.
        foreach (var slice in slices.OrderBy(s => s.Metadata?.Name, StringComparer.Ordinal))
        {
            var service = slice.Metadata?.Labels?.GetValueOrDefault(ServiceNameLabel);
            if (string.IsNullOrEmpty(service) || slice.AddressType is not (null or "IPv4"))
            {
                continue;
            }

            var ns = slice.Metadata?.Namespace ?? "default";
            foreach (var port in slice.Ports ?? [])
            {
                if (port.Port is not > 0)
                {
                    continue;
                }

                // Upstream ignores ports with a nil name; we read it as "" (the unnamed service port) to be lenient.
                var key = (ns, service, port.Name ?? "", (port.Protocol ?? "TCP").ToLowerInvariant());
                if (!merged.TryGetValue(key, out var set))
                {
                    merged[key] = set = new Dictionary<string, ProxyEndpoint>(StringComparer.Ordinal);
                }

                foreach (var endpoint in slice.Endpoints ?? [])
                {
                    if (endpoint.Addresses is not [var address, ..] || string.IsNullOrEmpty(address))
                    {
                        continue;
                    }

                    var conditions = endpoint.Conditions;
                    var entry = new ProxyEndpoint(
                        address,
                        port.Port.Value,
                        IsLocal: nodeName.Length > 0 && endpoint.NodeName == nodeName,
                        Ready: conditions?.Ready ?? true,
                        Serving: conditions?.Serving ?? true,
                        Terminating: conditions?.Terminating ?? false);
                    if (!set.ContainsKey(entry.HostPort) || !entry.Terminating)
                    {
                        set[entry.HostPort] = entry;
                    }
                }
            }
        }

        return new ServiceEndpointIndex(merged.ToDictionary(
            pair => pair.Key,
            pair => (IReadOnlyList<ProxyEndpoint>)[.. pair.Value.Values.OrderBy(e => e.HostPort, StringComparer.Ordinal)]));
    }
}
