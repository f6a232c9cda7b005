using System.Net;
using Shim.Agent.Services;
using Shim.Model.Core.V1;
using Shim.Model.Discovery.V1;

namespace Shim.Agent.Dns;

/// <summary>
/// An immutable snapshot of the catalog shaped for lookups: services by namespace and name, their published
/// endpoints, and the names of every cluster IP and endpoint address for reverse queries. Built once per change,
/// so a query never scans all services.
/// </summary>
internal sealed class ClusterDnsIndex
{
    private const string ServiceNameLabel = "kubernetes.io/service-name";

    private readonly Dictionary<(string Namespace, string Name), ClusterDnsService> _services;
    private readonly HashSet<string> _namespaces;
    private readonly Dictionary<IPAddress, List<string>> _clusterIPNames;
    private readonly Dictionary<IPAddress, List<string>> _endpointNames;

    private ClusterDnsIndex(
        long generation,
        uint serial,
        Dictionary<(string, string), ClusterDnsService> services,
        HashSet<string> namespaces,
        Dictionary<IPAddress, List<string>> clusterIPNames,
        Dictionary<IPAddress, List<string>> endpointNames)
    {
        Generation = generation;
        Serial = serial;
        _services = services;
        _namespaces = namespaces;
        _clusterIPNames = clusterIPNames;
        _endpointNames = endpointNames;
    }

    /// <summary>Which invalidation of the catalog this snapshot reflects.</summary>
    public long Generation { get; }

    /// <summary>The SOA serial: when this snapshot was built (CoreDNS uses the time of the last change).</summary>
    public uint Serial { get; }

    public ClusterDnsService? Service(string ns, string name) =>
        _services.GetValueOrDefault((ns.ToLowerInvariant(), name.ToLowerInvariant()));

    /// <summary>
    /// Whether the namespace exists, as far as DNS can tell: the catalog holds no Namespaces, so a namespace is known
    /// when it has a service.
    /// </summary>
    public bool HasNamespace(string ns) => _namespaces.Contains(ns.ToLowerInvariant());

    /// <summary>
    /// The names (below the zone) of an address: a cluster IP names its service only; otherwise every endpoint with
    /// that address names <c>hostname.service.namespace.svc</c>, as in CoreDNS.
    /// </summary>
    public IReadOnlyList<string> ReverseNames(IPAddress address) =>
        _clusterIPNames.GetValueOrDefault(address) ?? _endpointNames.GetValueOrDefault(address) ?? (IReadOnlyList<string>)[];

    public static ClusterDnsIndex Build(IServiceCatalog catalog, long generation, uint serial)
    {
        var slicesByService = catalog.EndpointSlices()
            .Where(s => s.Metadata?.Namespace is not null && s.Metadata.Labels?.GetValueOrDefault(ServiceNameLabel) is not null)
            .ToLookup(s => (s.Metadata!.Namespace!.ToLowerInvariant(), s.Metadata.Labels![ServiceNameLabel].ToLowerInvariant()));
        var services = new Dictionary<(string, string), ClusterDnsService>();
        var namespaces = new HashSet<string>(StringComparer.Ordinal);
        var clusterIPNames = new Dictionary<IPAddress, List<string>>();
        var endpointNames = new Dictionary<IPAddress, List<string>>();
        foreach (var service in catalog.Services())
        {
            if (service.Metadata?.Name is not { } name || service.Metadata.Namespace is not { } ns)
            {
                continue;
            }

            var key = (ns.ToLowerInvariant(), name.ToLowerInvariant());
            var entry = ToEntry(service, name, ns, slicesByService[key]);
            services[key] = entry;
            namespaces.Add(key.Item1);
            foreach (var ip in entry.ClusterIPs)
            {
                Add(clusterIPNames, ip, entry.RelativeName);
            }

            foreach (var endpoint in entry.Endpoints)
            {
                Add(endpointNames, endpoint.Address, $"{endpoint.Hostname}.{entry.RelativeName}");
            }
        }

        return new ClusterDnsIndex(generation, serial, services, namespaces, clusterIPNames, endpointNames);
    }

    private static ClusterDnsService ToEntry(Service service, string name, string ns, IEnumerable<EndpointSlice> slices)
    {
        var spec = service.Spec ?? new ServiceSpec();
        var kind = spec.Type == "ExternalName" ? ClusterDnsServiceKind.ExternalName
            : spec.ClusterIP == "None" ? ClusterDnsServiceKind.Headless
            : ClusterDnsServiceKind.ClusterIP;
        var clusterIPs = kind == ClusterDnsServiceKind.ClusterIP ? ClusterIPs(spec) : [];
        var ports = (spec.Ports ?? []).Select(p => new ClusterDnsPort(p.Name ?? "", p.Protocol ?? "TCP", p.Port ?? 0)).ToList();
        var externalName = spec.ExternalName?.TrimEnd('.');
        return new ClusterDnsService(name, ns, kind, clusterIPs, ports, externalName, Endpoints(slices, spec.PublishNotReadyAddresses == true));
    }

    private static List<IPAddress> ClusterIPs(ServiceSpec spec)
    {
        IEnumerable<string> texts = spec.ClusterIPs is { Count: > 0 } all ? all : spec.ClusterIP is { } one ? [one] : [];
        return [.. texts.Select(t => ClusterDnsAddresses.TryParse(t, out var ip) ? ip : null).OfType<IPAddress>().Distinct()];
    }

    private static List<ClusterDnsEndpoint> Endpoints(IEnumerable<EndpointSlice> slices, bool publishNotReady)
    {
        var endpoints = new List<ClusterDnsEndpoint>();
        foreach (var slice in slices)
        {
            if (slice.AddressType is not ("IPv4" or "IPv6"))
            {
                continue; // FQDN slices name hosts, not addresses
            }

            IReadOnlyList<ClusterDnsPort> ports = slice.Ports is { Count: > 0 } slicePorts
                ? [.. slicePorts.Select(p => new ClusterDnsPort(p.Name ?? "", p.Protocol ?? "TCP", p.Port ?? -1))]
                : [ClusterDnsPort.None];
            foreach (var endpoint in slice.Endpoints ?? [])
            {
                // A missing ready condition means ready (EndpointConditions: "nil should be interpreted as true").
                if (!publishNotReady && endpoint.Conditions?.Ready == false)
                {
                    continue;
                }

                foreach (var text in endpoint.Addresses ?? [])
                {
                    if (ClusterDnsAddresses.TryParse(text, out var address))
                    {
                        var hostname = string.IsNullOrEmpty(endpoint.Hostname) ? ClusterDnsAddresses.Dashed(text) : endpoint.Hostname;
                        endpoints.Add(new ClusterDnsEndpoint(address, hostname, ports));
                    }
                }
            }
        }

        return endpoints;
    }

    private static void Add(Dictionary<IPAddress, List<string>> names, IPAddress address, string name)
    {
        if (!names.TryGetValue(address, out var list))
        {
            names[address] = list = [];
        }

        if (!list.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            list.Add(name);
        }
    }
}
