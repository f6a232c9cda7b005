namespace Shim.Agent.Dns;

/// <summary>RDATA of SOA records (RFC 1035 3.3.13).</summary>
public sealed record DnsSoaData(string PrimaryServer, string Mailbox, uint Serial, uint Refresh, uint Retry, uint Expire, uint Minimum)
    : DnsRecordData;
