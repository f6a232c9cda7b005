using System.Buffers.Binary;

namespace Shim.Agent.Dns;

/// <summary>
/// Turns one query packet into the response packet: the cluster zone (and reverse names of cluster addresses) from
/// the resolver, everything else from upstream. Malformed queries get FORMERR; packets without a readable header,
/// and responses, get nothing (answering those could start a loop between two servers).
/// </summary>
public sealed class DnsQueryHandler(ClusterDnsResolver resolver, DnsForwarder forwarder)
{
    /// <summary>The UDP payload size we advertise and honour at most (the DNS flag day 2020 value, avoiding fragments).</summary>
    public const ushort UdpPayloadSize = 1232;

    /// <summary>The largest UDP answer to a client that does not speak EDNS (RFC 1035 2.3.4).</summary>
    public const int ClassicUdpSize = 512;

    /// <summary>The response to send, or null to send none.</summary>
    public async Task<byte[]?> HandleAsync(ReadOnlyMemory<byte> packet, DnsTransport transport, CancellationToken cancellationToken)
    {
        if (packet.Length < DnsMessageReader.HeaderLength || (packet.Span[2] & 0x80) != 0)
        {
            return null;
        }

        DnsMessage query;
        try
        {
            query = DnsMessageReader.Read(packet.Span);
        }
        catch (DnsFormatException)
        {
            return DnsMessageWriter.Write(FormatError(packet.Span));
        }

        if (query.Opcode != 0)
        {
            return DnsMessageWriter.Write(Reply(query, DnsResponseCode.NotImplemented));
        }

        if (query.Questions.Count != 1)
        {
            return DnsMessageWriter.Write(Reply(query, DnsResponseCode.FormatError));
        }

        var edns = query.Edns;
        if (edns is { Version: > 0 })
        {
            return DnsMessageWriter.Write(Reply(query, DnsResponseCode.BadVersion));
        }

        var answer = resolver.Resolve(query.Questions[0]);
        if (answer is null)
        {
            return await forwarder.ForwardAsync(packet, transport, cancellationToken).ConfigureAwait(false)
                ?? DnsMessageWriter.Write(Reply(query, DnsResponseCode.ServerFailure));
        }

        var answers = answer.Answers;
        if (answer.UpstreamTarget is { } target)
        {
            var upstream = await forwarder.QueryAsync(target, query.Questions[0].Type, cancellationToken).ConfigureAwait(false);
            // Only the records that continue the chain: others could carry names compressed against the upstream packet.
            answers = [.. answers, .. (upstream?.Answers ?? []).Where(r => r.Type is DnsType.CNAME or DnsType.A or DnsType.AAAA)];
        }

        var reply = Reply(query, answer.ResponseCode);
        var response = reply with
        {
            Authoritative = true,
            Answers = answers,
            Authorities = answer.Authorities,
            Additionals = [.. answer.Additionals, .. reply.Additionals],
        };
        var maxSize = transport == DnsTransport.Tcp ? ushort.MaxValue
            : edns is { } e ? Math.Clamp((int)e.UdpPayloadSize, ClassicUdpSize, UdpPayloadSize)
            : ClassicUdpSize;
        try
        {
            return DnsMessageWriter.Write(response, maxSize);
        }
        catch (DnsFormatException)
        {
            // A record the wire cannot carry (say, an ExternalName with a 64-byte label): fail this name only.
            return DnsMessageWriter.Write(Reply(query, DnsResponseCode.ServerFailure));
        }
    }

    /// <summary>An empty response to <paramref name="query"/>, with an OPT record when the query had one.</summary>
    private static DnsMessage Reply(DnsMessage query, DnsResponseCode code) => new()
    {
        Id = query.Id,
        IsResponse = true,
        Opcode = query.Opcode,
        RecursionDesired = query.RecursionDesired,
        RecursionAvailable = true,
        CheckingDisabled = query.CheckingDisabled,
        ResponseCode = code,
        Questions = query.Questions.Count == 1 ? query.Questions : [],
        Additionals = query.Edns is { } edns ? [DnsEdns.Record(UdpPayloadSize, edns.DnssecOk)] : [],
    };

    /// <summary>FORMERR from the header alone: the rest of the packet could not be read.</summary>
    private static DnsMessage FormatError(ReadOnlySpan<byte> packet) => new()
    {
        Id = BinaryPrimitives.ReadUInt16BigEndian(packet),
        IsResponse = true,
        Opcode = (byte)((packet[2] >> 3) & 0xF),
        RecursionDesired = (packet[2] & 0x01) != 0,
        RecursionAvailable = true,
        ResponseCode = DnsResponseCode.FormatError,
    };
}
