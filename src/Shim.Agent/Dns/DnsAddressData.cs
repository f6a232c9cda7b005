using System.Net;

namespace Shim.Agent.Dns;

/// <summary>RDATA of A (IPv4) and AAAA (IPv6) records.</summary>
public sealed record DnsAddressData(IPAddress Address) : DnsRecordData;
