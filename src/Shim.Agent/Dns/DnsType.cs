namespace Shim.Agent.Dns;

/// <summary>Resource record and query types (RFC 1035 3.2.2/3.2.3 and later RFCs) that the cluster DNS reads or writes.</summary>
public enum DnsType : ushort
{
    A = 1,
    NS = 2,
    CNAME = 5,
    SOA = 6,
    PTR = 12,
    MX = 15,
    TXT = 16,
    AAAA = 28,
    SRV = 33,
    OPT = 41,
    IXFR = 251,
    AXFR = 252,
    ANY = 255,
}
