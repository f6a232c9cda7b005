namespace Shim.Agent.Dns;

/// <summary>RDATA that is a single domain name: CNAME, NS and PTR records.</summary>
public sealed record DnsNameData(string Name) : DnsRecordData;
