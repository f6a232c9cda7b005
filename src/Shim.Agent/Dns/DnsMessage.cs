namespace Shim.Agent.Dns;

/// <summary>A DNS message (RFC 1035 4.1): header fields and the four sections.</summary>
public sealed record DnsMessage
{
    public ushort Id { get; init; }

    public bool IsResponse { get; init; }

    public byte Opcode { get; init; }

    public bool Authoritative { get; init; }

    public bool Truncated { get; init; }

    public bool RecursionDesired { get; init; }

    public bool RecursionAvailable { get; init; }

    public bool AuthenticData { get; init; }

    public bool CheckingDisabled { get; init; }

    /// <summary>The full response code; values above 15 keep their upper bits in the OPT record.</summary>
    public DnsResponseCode ResponseCode { get; init; }

    public IReadOnlyList<DnsQuestion> Questions { get; init; } = [];

    public IReadOnlyList<DnsResourceRecord> Answers { get; init; } = [];

    public IReadOnlyList<DnsResourceRecord> Authorities { get; init; } = [];

    public IReadOnlyList<DnsResourceRecord> Additionals { get; init; } = [];

    /// <summary>The EDNS0 fields of the OPT record in the additional section, if there is one.</summary>
    public DnsEdns? Edns => Additionals.FirstOrDefault(r => r.Type == DnsType.OPT) is { } opt ? DnsEdns.From(opt) : null;
}
