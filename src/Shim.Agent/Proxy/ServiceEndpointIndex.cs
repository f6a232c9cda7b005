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

    private readonly Dictionary<ServicePortKey, List<ProxyEndpoint>> _endpoints;

    private ServiceEndpointIndex(Dictionary<ServicePortKey, List<ProxyEndpoint>> endpoints) => _endpoints = endpoints;

    /// <summary>The endpoints of <paramref name="port"/>, or an empty list.</summary>
    public IReadOnlyList<ProxyEndpoint> For(ServicePortInfo port)
    {
        ArgumentNullException.ThrowIfNull(port);
        return _endpoints.TryGetValue(port.Key, out var endpoints) ? endpoints : None;
    }

    public static ServiceEndpointIndex Build(IEnumerable<EndpointSlice> slices, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(slices);
        var merged = new Dictionary<ServicePortKey, List<ProxyEndpoint>>();
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
                var key = new ServicePortKey(ns, service, port.Name ?? "", ServicePortInfo.LowerCaseProtocol(port.Protocol));
                if (!merged.TryGetValue(key, out var list))
                {
                    merged[key] = list = [];
                }

                foreach (var endpoint in slice.Endpoints ?? [])
                {
                    if (endpoint.Addresses is not [var address, ..] || string.IsNullOrEmpty(address))
                    {
                        continue;
                    }

                    var conditions = endpoint.Conditions;
                    list.Add(new ProxyEndpoint(
                        address,
                        port.Port.Value,
                        IsLocal: nodeName.Length > 0 && endpoint.NodeName == nodeName,
                        Ready: conditions?.Ready ?? true,
                        Serving: conditions?.Serving ?? true,
                        Terminating: conditions?.Terminating ?? false));
                }
            }
        }

        foreach (var list in merged.Values)
        {
            SortAndDeduplicate(list);
        }

        return new ServiceEndpointIndex(merged);
    }

    /// <summary>
    /// Sorts by "ip:port" and keeps each address once: the first non-terminating entry for it (in slice name order),
    /// else the first. An address moving between slices may briefly be in both; a new pod may reuse a terminating
    /// pod's address.
    /// </summary>
    private static void SortAndDeduplicate(List<ProxyEndpoint> endpoints)
    {
        if (endpoints.Count < 2)
        {
            return;
        }

        // A stable sort keeps slice name order among the entries of one address.
        var sorted = endpoints.Select((e, i) => (Endpoint: e, Order: i)).ToArray();
        Array.Sort(sorted, (a, b) => string.CompareOrdinal(a.Endpoint.HostPort, b.Endpoint.HostPort) is var byAddress and not 0 ? byAddress : a.Order.CompareTo(b.Order));
        endpoints.Clear();
        foreach (var (endpoint, _) in sorted)
        {
            if (endpoints.Count > 0 && endpoints[^1].HostPort == endpoint.HostPort)
            {
                if (endpoints[^1].Terminating && !endpoint.Terminating)
                {
                    endpoints[^1] = endpoint;
                }

                continue;
            }

            endpoints.Add(endpoint);
        }
    }
}
