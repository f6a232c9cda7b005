namespace Shim.Agent.Dns;

/// <summary>RDATA of TXT records: character strings of at most 255 bytes each.</summary>
public sealed record DnsTextData(IReadOnlyList<string> Strings) : DnsRecordData
{
    public bool Equals(DnsTextData? other) => other is not null && Strings.SequenceEqual(other.Strings);

    public override int GetHashCode() => Strings.Count == 0 ? 0 : Strings[0].GetHashCode(StringComparison.Ordinal);
}
