namespace Shim.Agent.Dns;

/// <summary>The EDNS0 fields a query's OPT pseudo-record carries (RFC 6891 6.1.3).</summary>
public readonly record struct DnsEdns(ushort UdpPayloadSize, byte Version, bool DnssecOk, byte ExtendedResponseCode)
{
    /// <summary>Reads the fields packed into an OPT record's class and TTL.</summary>
    public static DnsEdns From(DnsResourceRecord opt) => new(
        opt.Class,
        (byte)(opt.Ttl >> 16),
        (opt.Ttl & 0x8000) != 0,
        (byte)(opt.Ttl >> 24));

    /// <summary>
    /// An OPT record without options. The writer fills in the upper bits of the message's response code, so the
    /// extended code always agrees with the header.
    /// </summary>
    public static DnsResourceRecord Record(ushort udpPayloadSize, bool dnssecOk) =>
        new("", DnsType.OPT, udpPayloadSize, dnssecOk ? 0x8000u : 0u, new DnsRawData([]));
}
