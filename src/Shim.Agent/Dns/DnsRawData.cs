namespace Shim.Agent.Dns;

/// <summary>
/// RDATA kept as bytes: types the cluster DNS never interprets (OPT options, MX, ...). Bytes read from a packet may
/// hold compression pointers into that packet, so such records are only ever written back for types without names.
/// </summary>
public sealed record DnsRawData(byte[] Bytes) : DnsRecordData
{
    public bool Equals(DnsRawData? other) => other is not null && Bytes.AsSpan().SequenceEqual(other.Bytes);

    public override int GetHashCode() => Bytes.Length;
}
