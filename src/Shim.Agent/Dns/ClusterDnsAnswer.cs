namespace Shim.Agent.Dns;

/// <summary>The cluster DNS's answer to one question, before it becomes a response message.</summary>
public sealed record ClusterDnsAnswer
{
    public DnsResponseCode ResponseCode { get; init; }

    public IReadOnlyList<DnsResourceRecord> Answers { get; init; } = [];

    public IReadOnlyList<DnsResourceRecord> Authorities { get; init; } = [];

    public IReadOnlyList<DnsResourceRecord> Additionals { get; init; } = [];

    /// <summary>
    /// A name outside the cluster domain that the answer's last CNAME (an ExternalName service) points to: the server
    /// asks upstream for its addresses and appends them, since stub resolvers do not chase CNAMEs themselves.
    /// </summary>
    public string? UpstreamTarget { get; init; }
}
