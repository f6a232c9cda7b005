using System.Net;
using System.Net.Sockets;
using Shim.Agent.Services;

namespace Shim.Agent.Dns;

/// <summary>
/// Answers questions about the cluster domain from the service catalog, following the Kubernetes DNS specification
/// as CoreDNS's kubernetes plugin implements it (pods insecure, ttl 5): services, headless endpoints, ExternalName
/// CNAMEs, SRV for named ports, pod names, PTR for cluster IPs and endpoints, and the zone's SOA and NS. Names in
/// the zone never leave it: a missing name is NXDOMAIN and an empty type NODATA, both with the SOA. Everything else
/// is left to the upstream servers (a null answer).
/// </summary>
public sealed class ClusterDnsResolver
{
    /// <summary>The service whose addresses are the zone's nameserver (ns.dns.&lt;zone&gt;).</summary>
    private const string DnsServiceNamespace = "kube-system";
    private const string DnsServiceName = "kube-dns";

    /// <summary>The Kubernetes DNS schema version CoreDNS reports at dns-version.&lt;zone&gt;.</summary>
    private const string SchemaVersion = "1.1.0";

    /// <summary>CNAMEs followed inside the zone (CoreDNS stops after 8).</summary>
    private const int MaxAliasDepth = 8;

    private readonly IServiceCatalog _catalog;
    private readonly TimeProvider _time;
    private readonly string _zone;
    private readonly int _zoneLabelCount;
    private readonly uint _ttl;
    private readonly Lock _building = new();
    private long _invalidations;
    private volatile ClusterDnsIndex? _current;

    public ClusterDnsResolver(IServiceCatalog catalog, ClusterDnsOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _catalog = catalog;
        _time = time;
        _zone = options.ClusterDomain.TrimEnd('.').ToLowerInvariant();
        _zoneLabelCount = DnsName.Labels(_zone).Length;
        _ttl = options.Ttl;
    }

    /// <summary>The catalog changed: the next query rebuilds the index. Cheap and safe from any thread.</summary>
    public void Invalidate() => Interlocked.Increment(ref _invalidations);

    /// <summary>The answer to a question about the cluster, or null when the question belongs upstream.</summary>
    public ClusterDnsAnswer? Resolve(DnsQuestion question)
    {
        ArgumentNullException.ThrowIfNull(question);
        if (question.Class is not (DnsClass.Internet or DnsClass.Any))
        {
            return null;
        }

        if (DnsName.IsInZone(question.Name, _zone))
        {
            return ResolveInZone(question.Name, question.Type, 0);
        }

        // Reverse names of addresses the cluster does not know go upstream (CoreDNS: fallthrough in-addr.arpa ip6.arpa).
        if (question.Type == DnsType.PTR && ClusterDnsAddresses.TryParseReverse(DnsName.Labels(question.Name), out var address))
        {
            var names = Index().ReverseNames(address);
            if (names.Count > 0)
            {
                return new ClusterDnsAnswer
                {
                    Answers = [.. names.Select(n => new DnsResourceRecord(question.Name, DnsType.PTR, DnsClass.Internet, _ttl, new DnsNameData($"{n}.{_zone}")))],
                };
            }
        }

        return null;
    }

    private ClusterDnsAnswer ResolveInZone(string name, DnsType type, int depth)
    {
        var labels = DnsName.Labels(name);
        var relative = labels[..^_zoneLabelCount];
        var zone = DnsName.Join(labels[^_zoneLabelCount..]); // the zone as the question spelled it, to keep its case
        var index = Index();
        if (type is DnsType.AXFR or DnsType.IXFR)
        {
            return new ClusterDnsAnswer { ResponseCode = DnsResponseCode.Refused };
        }

        if (relative.Length == 0)
        {
            return type switch
            {
                DnsType.SOA => new ClusterDnsAnswer { Answers = [Soa(zone, index)] },
                DnsType.NS => new ClusterDnsAnswer
                {
                    Answers = [new DnsResourceRecord(name, DnsType.NS, DnsClass.Internet, _ttl, new DnsNameData($"ns.dns.{zone}"))],
                    Additionals = [.. NameserverAddresses(index).Select(a => DnsResourceRecord.Address($"ns.dns.{zone}", a, _ttl))],
                },
                _ => NoData(zone, index),
            };
        }

        if (relative.Length == 2 && Is(relative[0], "ns") && Is(relative[1], "dns"))
        {
            return AddressAnswer(name, type, zone, index, NameserverAddresses(index));
        }

        if (relative.Length == 1 && Is(relative[0], "dns-version"))
        {
            return type == DnsType.TXT
                ? new ClusterDnsAnswer { Answers = [new DnsResourceRecord(name, DnsType.TXT, DnsClass.Internet, 28800, new DnsTextData([SchemaVersion]))] }
                : NoData(zone, index);
        }

        var lookup = Lookup(index, relative);
        if (!lookup.Exists)
        {
            return new ClusterDnsAnswer { ResponseCode = DnsResponseCode.NameError, Authorities = [Soa(zone, index)] };
        }

        if (lookup.Alias is { } alias)
        {
            return AliasAnswer(name, type, alias, depth);
        }

        return type switch
        {
            DnsType.A or DnsType.AAAA => AddressAnswer(name, type, zone, index, lookup.Targets.Select(t => t.Address)),
            DnsType.SRV => SrvAnswer(name, zone, index, lookup.Targets),
            _ => NoData(zone, index),
        };
    }

    /// <summary>
    /// Splits a name below the zone the way CoreDNS does: [_port._protocol. | endpoint.]service.namespace.svc, or
    /// pod-address.namespace.pod. Shorter names (svc, namespace.svc, pod, namespace.pod) exist without records.
    /// </summary>
    private static ClusterDnsLookup Lookup(ClusterDnsIndex index, string[] relative)
    {
        if (Is(relative[^1], "pod"))
        {
            return relative.Length switch
            {
                1 or 2 => ClusterDnsLookup.Empty, // pod namespaces are not known to the catalog: any namespace exists
                3 when ClusterDnsAddresses.TryParsePodLabel(relative[0], out var podIP) => ClusterDnsLookup.Of([new ClusterDnsTarget(podIP, -1, "")]),
                _ => ClusterDnsLookup.NotFound,
            };
        }

        if (!Is(relative[^1], "svc") || relative.Length > 5)
        {
            return ClusterDnsLookup.NotFound;
        }

        if (relative.Length == 1)
        {
            return ClusterDnsLookup.Empty;
        }

        if (!index.HasNamespace(relative[^2]))
        {
            return ClusterDnsLookup.NotFound;
        }

        if (relative.Length == 2)
        {
            return ClusterDnsLookup.Empty;
        }

        if (index.Service(relative[^2], relative[^3]) is not { } service)
        {
            return ClusterDnsLookup.NotFound;
        }

        var endpointName = relative.Length == 4 ? relative[0] : null;
        var portName = relative.Length == 5 ? relative[0].TrimStart('_') : null;
        var protocol = relative.Length == 5 ? relative[1].TrimStart('_') : null;
        if (service.Kind == ClusterDnsServiceKind.ExternalName)
        {
            var valid = relative.Length == 3 && !string.IsNullOrEmpty(service.ExternalName) && !ClusterDnsAddresses.TryParse(service.ExternalName, out _);
            return valid ? ClusterDnsLookup.AliasTo(service.ExternalName!) : ClusterDnsLookup.NotFound;
        }

        // Endpoint names resolve for every service with endpoints, not only headless ones (as in CoreDNS).
        if (service.Kind == ClusterDnsServiceKind.Headless || endpointName is not null)
        {
            var targets = new List<ClusterDnsTarget>();
            foreach (var endpoint in service.Endpoints.Where(e => endpointName is null || Is(e.Hostname, endpointName)))
            {
                foreach (var port in endpoint.Ports.Where(p => Matches(portName, p.Name) && Matches(protocol, p.Protocol)))
                {
                    targets.Add(new ClusterDnsTarget(endpoint.Address, port.Port, $"{endpoint.Hostname}.{service.RelativeName}"));
                }
            }

            return ClusterDnsLookup.Of(targets);
        }

        var ports = service.Ports.Where(p => Matches(portName, p.Name) && Matches(protocol, p.Protocol)).ToList();
        if (ports.Count == 0)
        {
            return ClusterDnsLookup.NotFound;
        }

        // A service whose cluster IP is not allocated yet exists without addresses.
        return new ClusterDnsLookup(true, [.. ports.SelectMany(p => service.ClusterIPs.Select(ip => new ClusterDnsTarget(ip, p.Port, service.RelativeName)))], null);
    }

    private ClusterDnsAnswer AliasAnswer(string name, DnsType type, string alias, int depth)
    {
        var cname = new DnsResourceRecord(name, DnsType.CNAME, DnsClass.Internet, _ttl, new DnsNameData(alias));
        if (type == DnsType.CNAME || depth >= MaxAliasDepth)
        {
            return new ClusterDnsAnswer { Answers = [cname] };
        }

        if (DnsName.IsInZone(alias, _zone))
        {
            // The rest of the chain is ours: answer it here, its response code applying to the last name (RFC 6604).
            var rest = ResolveInZone(alias, type, depth + 1);
            return rest with { Answers = [cname, .. rest.Answers] };
        }

        return new ClusterDnsAnswer { Answers = [cname], UpstreamTarget = type is DnsType.A or DnsType.AAAA ? alias : null };
    }

    private ClusterDnsAnswer AddressAnswer(string name, DnsType type, string zone, ClusterDnsIndex index, IEnumerable<IPAddress> addresses)
    {
        var family = type == DnsType.AAAA ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
        var records = type is DnsType.A or DnsType.AAAA
            ? addresses.Where(a => a.AddressFamily == family).Distinct().Select(a => DnsResourceRecord.Address(name, a, _ttl)).ToList()
            : [];
        return records.Count == 0 ? NoData(zone, index) : new ClusterDnsAnswer { Answers = records };
    }

    /// <summary>
    /// SRV records as CoreDNS writes them: priority 0, weight 100/n, one per distinct target and port, with each
    /// target's address in the additional section.
    /// </summary>
    private ClusterDnsAnswer SrvAnswer(string name, string zone, ClusterDnsIndex index, IReadOnlyList<ClusterDnsTarget> targets)
    {
        var weight = (ushort)Math.Max(1, 100 / Math.Max(1, targets.Count));
        var answers = new List<DnsResourceRecord>();
        var additionals = new List<DnsResourceRecord>();
        var seenRecords = new HashSet<(string, int)>();
        var seenAddresses = new HashSet<(string, IPAddress)>();
        foreach (var target in targets.Where(t => t.Port >= 0))
        {
            var targetName = $"{target.RelativeName}.{zone}";
            if (seenRecords.Add((target.RelativeName, target.Port)))
            {
                answers.Add(new DnsResourceRecord(name, DnsType.SRV, DnsClass.Internet, _ttl, new DnsSrvData(0, weight, (ushort)target.Port, targetName)));
            }

            if (seenAddresses.Add((target.RelativeName, target.Address)))
            {
                additionals.Add(DnsResourceRecord.Address(targetName, target.Address, _ttl));
            }
        }

        return answers.Count == 0 ? NoData(zone, index) : new ClusterDnsAnswer { Answers = answers, Additionals = additionals };
    }

    private ClusterDnsAnswer NoData(string zone, ClusterDnsIndex index) => new() { Authorities = [Soa(zone, index)] };

    /// <summary>The zone's SOA as CoreDNS writes it: ns.dns.&lt;zone&gt; hostmaster.&lt;zone&gt; serial 7200 1800 86400 ttl.</summary>
    private DnsResourceRecord Soa(string zone, ClusterDnsIndex index) => new(
        zone,
        DnsType.SOA,
        DnsClass.Internet,
        Math.Min(_ttl, 300),
        new DnsSoaData($"ns.dns.{zone}", $"hostmaster.{zone}", index.Serial, 7200, 1800, 86400, _ttl));

    private static IReadOnlyList<IPAddress> NameserverAddresses(ClusterDnsIndex index) =>
        index.Service(DnsServiceNamespace, DnsServiceName)?.ClusterIPs ?? [];

    private static bool Matches(string? wanted, string actual) => wanted is null || Is(wanted, actual);

    private static bool Is(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>The index for the catalog as of the last <see cref="Invalidate"/>, rebuilt on first use after one.</summary>
    private ClusterDnsIndex Index()
    {
        var current = _current;
        if (current is not null && current.Generation == Interlocked.Read(ref _invalidations))
        {
            return current;
        }

        lock (_building)
        {
            // Read the generation before the catalog: a change arriving during the build triggers another one.
            var wanted = Interlocked.Read(ref _invalidations);
            if (_current is { } built && built.Generation == wanted)
            {
                return built;
            }

            var index = ClusterDnsIndex.Build(_catalog, wanted, (uint)_time.GetUtcNow().ToUnixTimeSeconds());
            _current = index;
            return index;
        }
    }
}
