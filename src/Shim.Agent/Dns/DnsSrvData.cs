namespace Shim.Agent.Dns;

/// <summary>RDATA of SRV records (RFC 2782).</summary>
public sealed record DnsSrvData(ushort Priority, ushort Weight, ushort Port, string Target) : DnsRecordData;
