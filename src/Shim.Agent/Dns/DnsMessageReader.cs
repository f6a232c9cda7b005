using System.Buffers.Binary;
using System.Net;

namespace Shim.Agent.Dns;

/// <summary>Decodes DNS messages (RFC 1035 4.1), following compression pointers; anything malformed throws <see cref="DnsFormatException"/>.</summary>
public static class DnsMessageReader
{
    public const int HeaderLength = 12;

    /// <summary>Compression pointers a single name may follow; real names need a handful, loops need more.</summary>
    private const int MaxPointers = 64;

    public static DnsMessage Read(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < HeaderLength)
        {
            throw new DnsFormatException($"packet of {packet.Length} bytes has no complete header");
        }

        var flags = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        var offset = HeaderLength;
        var questions = new List<DnsQuestion>();
        for (var i = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]); i > 0; i--)
        {
            var name = ReadName(packet, ref offset);
            var type = (DnsType)ReadUInt16(packet, ref offset);
            questions.Add(new DnsQuestion(name, type, ReadUInt16(packet, ref offset)));
        }

        var answers = ReadRecords(packet, ref offset, BinaryPrimitives.ReadUInt16BigEndian(packet[6..]));
        var authorities = ReadRecords(packet, ref offset, BinaryPrimitives.ReadUInt16BigEndian(packet[8..]));
        var additionals = ReadRecords(packet, ref offset, BinaryPrimitives.ReadUInt16BigEndian(packet[10..]));
        var extendedCode = additionals.FirstOrDefault(r => r.Type == DnsType.OPT) is { } opt ? DnsEdns.From(opt).ExtendedResponseCode : 0;
        return new DnsMessage
        {
            Id = BinaryPrimitives.ReadUInt16BigEndian(packet),
            IsResponse = (flags & 0x8000) != 0,
            Opcode = (byte)((flags >> 11) & 0xF),
            Authoritative = (flags & 0x0400) != 0,
            Truncated = (flags & 0x0200) != 0,
            RecursionDesired = (flags & 0x0100) != 0,
            RecursionAvailable = (flags & 0x0080) != 0,
            AuthenticData = (flags & 0x0020) != 0,
            CheckingDisabled = (flags & 0x0010) != 0,
            ResponseCode = (DnsResponseCode)((extendedCode << 4) | (flags & 0xF)),
            Questions = questions,
            Answers = answers,
            Authorities = authorities,
            Additionals = additionals,
        };
    }

    /// <summary>Reads a possibly compressed name at <paramref name="offset"/> and moves past it.</summary>
    public static string ReadName(ReadOnlySpan<byte> packet, ref int offset)
    {
        var labels = new List<string>();
        var wireLength = 1;
        var position = offset;
        int? end = null;
        var pointers = 0;
        while (true)
        {
            if (position >= packet.Length)
            {
                throw new DnsFormatException("name runs past the end of the packet");
            }

            var length = packet[position];
            if ((length & 0xC0) == 0xC0)
            {
                if (position + 1 >= packet.Length)
                {
                    throw new DnsFormatException("compression pointer cut short");
                }

                var target = ((length & 0x3F) << 8) | packet[position + 1];
                // Pointers must point backwards (to something already written); with the limit this rules out loops.
                if (target >= position || ++pointers > MaxPointers)
                {
                    throw new DnsFormatException($"bad compression pointer to {target} at {position}");
                }

                end ??= position + 2;
                position = target;
                continue;
            }

            if ((length & 0xC0) != 0)
            {
                throw new DnsFormatException($"unsupported label type 0x{length:x2}");
            }

            if (length == 0)
            {
                position++;
                break;
            }

            if (position + 1 + length > packet.Length)
            {
                throw new DnsFormatException("label runs past the end of the packet");
            }

            wireLength += length + 1;
            if (wireLength > DnsName.MaxWireLength)
            {
                throw new DnsFormatException("name longer than 255 bytes");
            }

            labels.Add(DnsName.LabelToText(packet.Slice(position + 1, length)));
            position += 1 + length;
        }

        offset = end ?? position;
        return DnsName.Join(labels);
    }

    private static List<DnsResourceRecord> ReadRecords(ReadOnlySpan<byte> packet, ref int offset, int count)
    {
        var records = new List<DnsResourceRecord>(Math.Min(count, 64));
        for (var i = 0; i < count; i++)
        {
            var name = ReadName(packet, ref offset);
            var type = (DnsType)ReadUInt16(packet, ref offset);
            var recordClass = ReadUInt16(packet, ref offset);
            var ttl = ReadUInt32(packet, ref offset);
            var length = ReadUInt16(packet, ref offset);
            if (offset + length > packet.Length)
            {
                throw new DnsFormatException($"{type} record data runs past the end of the packet");
            }

            var data = ReadData(packet, offset, length, type);
            offset += length;
            records.Add(new DnsResourceRecord(name, type, recordClass, ttl, data));
        }

        return records;
    }

    private static DnsRecordData ReadData(ReadOnlySpan<byte> packet, int start, int length, DnsType type)
    {
        var end = start + length;
        var offset = start;
        DnsRecordData data;
        switch (type)
        {
            case DnsType.A when length == 4:
            case DnsType.AAAA when length == 16:
                return new DnsAddressData(new IPAddress(packet.Slice(start, length)));
            case DnsType.A:
            case DnsType.AAAA:
                throw new DnsFormatException($"{type} record with {length} bytes of data");
            case DnsType.CNAME:
            case DnsType.NS:
            case DnsType.PTR:
                data = new DnsNameData(ReadName(packet[..end], ref offset));
                break;
            case DnsType.SRV:
                {
                    var priority = ReadUInt16(packet[..end], ref offset);
                    var weight = ReadUInt16(packet[..end], ref offset);
                    var port = ReadUInt16(packet[..end], ref offset);
                    data = new DnsSrvData(priority, weight, port, ReadName(packet[..end], ref offset));
                    break;
                }

            case DnsType.SOA:
                {
                    var primary = ReadName(packet[..end], ref offset);
                    var mailbox = ReadName(packet[..end], ref offset);
                    data = new DnsSoaData(
                        primary,
                        mailbox,
                        ReadUInt32(packet[..end], ref offset),
                        ReadUInt32(packet[..end], ref offset),
                        ReadUInt32(packet[..end], ref offset),
                        ReadUInt32(packet[..end], ref offset),
                        ReadUInt32(packet[..end], ref offset));
                    break;
                }

            case DnsType.TXT:
                {
                    var strings = new List<string>();
                    while (offset < end)
                    {
                        var size = packet[offset];
                        if (offset + 1 + size > end)
                        {
                            throw new DnsFormatException("TXT string runs past its record");
                        }

                        strings.Add(System.Text.Encoding.Latin1.GetString(packet.Slice(offset + 1, size)));
                        offset += 1 + size;
                    }

                    data = new DnsTextData(strings);
                    break;
                }

            default:
                return new DnsRawData(packet.Slice(start, length).ToArray());
        }

        if (offset != end)
        {
            throw new DnsFormatException($"{type} record data of {length} bytes has {end - offset} left over");
        }

        return data;
    }

    private static ushort ReadUInt16(ReadOnlySpan<byte> packet, ref int offset)
    {
        if (offset + 2 > packet.Length)
        {
            throw new DnsFormatException("packet cut short");
        }

        var value = BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
        offset += 2;
        return value;
    }

    private static uint ReadUInt32(ReadOnlySpan<byte> packet, ref int offset)
    {
        if (offset + 4 > packet.Length)
        {
            throw new DnsFormatException("packet cut short");
        }

        var value = BinaryPrimitives.ReadUInt32BigEndian(packet[offset..]);
        offset += 4;
        return value;
    }
}
