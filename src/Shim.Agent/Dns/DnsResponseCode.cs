namespace Shim.Agent.Dns;

/// <summary>Response codes (RFC 1035 4.1.1; BADVERS from RFC 6891, carried partly in the OPT record).</summary>
public enum DnsResponseCode
{
    NoError = 0,
    FormatError = 1,
    ServerFailure = 2,
    NameError = 3,
    NotImplemented = 4,
    Refused = 5,
    BadVersion = 16,
}
