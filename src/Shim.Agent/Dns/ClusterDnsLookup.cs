namespace Shim.Agent.Dns;

/// <summary>What a name in the cluster zone stands for, before the query type picks records from it.</summary>
internal sealed record ClusterDnsLookup(bool Exists, IReadOnlyList<ClusterDnsTarget> Targets, string? Alias)
{
    /// <summary>No such name: NXDOMAIN.</summary>
    public static ClusterDnsLookup NotFound { get; } = new(false, [], null);

    /// <summary>The name exists but holds no records (the zone's structure, a namespace): NODATA for every type.</summary>
    public static ClusterDnsLookup Empty { get; } = new(true, [], null);

    public static ClusterDnsLookup Of(IReadOnlyList<ClusterDnsTarget> targets) => targets.Count == 0 ? NotFound : new(true, targets, null);

    /// <summary>An ExternalName service: a CNAME to <paramref name="target"/>.</summary>
    public static ClusterDnsLookup AliasTo(string target) => new(true, [], target);
}
