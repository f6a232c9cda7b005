using System.Buffers.Binary;
using System.Net.Sockets;

namespace Shim.Agent.Dns;

/// <summary>
/// Encodes DNS messages (RFC 1035 4.1) with name compression (4.1.4), and fits answers into a size limit: first the
/// additional section goes (it is optional, RFC 2181 9), then trailing answers, and then the TC bit tells the client
/// to ask again over TCP.
/// </summary>
public sealed class DnsMessageWriter
{
    /// <summary>Compression pointers have 14 bits: names written further in cannot be pointed to.</summary>
    private const int MaxPointerTarget = 0x3FFF;

    // Keys compare case-sensitively, so a pointer never changes the case of the name it replaces.
    private readonly Dictionary<string, int> _names = new(StringComparer.Ordinal);
    private byte[] _buffer = new byte[512];
    private int _length;

    private DnsMessageWriter()
    {
    }

    public static byte[] Write(DnsMessage message) => new DnsMessageWriter().Encode(message);

    /// <summary>Encodes <paramref name="message"/> in at most <paramref name="maxSize"/> bytes (512 for plain UDP).</summary>
    public static byte[] Write(DnsMessage message, int maxSize)
    {
        ArgumentNullException.ThrowIfNull(message);
        var full = Write(message);
        if (full.Length <= maxSize)
        {
            return full;
        }

        IReadOnlyList<DnsResourceRecord> opt = [.. message.Additionals.Where(r => r.Type == DnsType.OPT)];
        var withoutAdditionals = Write(message with { Additionals = opt });
        if (withoutAdditionals.Length <= maxSize)
        {
            return withoutAdditionals;
        }

        // Binary search for the most answers that fit next to the header, question and OPT record.
        var fits = 0;
        var tooMany = message.Answers.Count;
        while (tooMany - fits > 1)
        {
            var middle = (fits + tooMany) / 2;
            if (Write(Truncate(message, middle, opt)).Length <= maxSize)
            {
                fits = middle;
            }
            else
            {
                tooMany = middle;
            }
        }

        return Write(Truncate(message, fits, opt));
    }

    private static DnsMessage Truncate(DnsMessage message, int answers, IReadOnlyList<DnsResourceRecord> opt) =>
        message with { Truncated = true, Answers = [.. message.Answers.Take(answers)], Authorities = [], Additionals = opt };

    private byte[] Encode(DnsMessage message)
    {
        WriteUInt16(message.Id);
        WriteUInt16(Flags(message));
        WriteUInt16(Count(message.Questions.Count));
        WriteUInt16(Count(message.Answers.Count));
        WriteUInt16(Count(message.Authorities.Count));
        WriteUInt16(Count(message.Additionals.Count));
        foreach (var question in message.Questions)
        {
            WriteName(question.Name, compress: true);
            WriteUInt16((ushort)question.Type);
            WriteUInt16(question.Class);
        }

        foreach (var record in message.Answers.Concat(message.Authorities).Concat(message.Additionals))
        {
            WriteRecord(record, message.ResponseCode);
        }

        return _buffer.AsSpan(0, _length).ToArray();
    }

    private static ushort Flags(DnsMessage message) => (ushort)(
        (message.IsResponse ? 0x8000 : 0)
        | ((message.Opcode & 0xF) << 11)
        | (message.Authoritative ? 0x0400 : 0)
        | (message.Truncated ? 0x0200 : 0)
        | (message.RecursionDesired ? 0x0100 : 0)
        | (message.RecursionAvailable ? 0x0080 : 0)
        | (message.AuthenticData ? 0x0020 : 0)
        | (message.CheckingDisabled ? 0x0010 : 0)
        | ((int)message.ResponseCode & 0xF));

    private static ushort Count(int count) =>
        count <= ushort.MaxValue ? (ushort)count : throw new DnsFormatException($"{count} entries in one section");

    private void WriteRecord(DnsResourceRecord record, DnsResponseCode responseCode)
    {
        WriteName(record.Name, compress: true);
        WriteUInt16((ushort)record.Type);
        WriteUInt16(record.Class);
        // An OPT record carries the upper 8 bits of the response code (RFC 6891 6.1.3).
        WriteUInt32(record.Type == DnsType.OPT ? (record.Ttl & 0x00FFFFFF) | ((uint)((int)responseCode >> 4) << 24) : record.Ttl);
        var lengthAt = _length;
        WriteUInt16(0);
        WriteData(record);
        var length = _length - lengthAt - 2;
        if (length > ushort.MaxValue)
        {
            throw new DnsFormatException($"{record.Type} record data of {length} bytes");
        }

        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(lengthAt), (ushort)length);
    }

    private void WriteData(DnsResourceRecord record)
    {
        switch (record.Data)
        {
            case DnsAddressData address:
                var expected = record.Type == DnsType.AAAA ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
                if (address.Address.AddressFamily != expected)
                {
                    throw new DnsFormatException($"{record.Type} record holding {address.Address}");
                }

                WriteBytes(address.Address.GetAddressBytes());
                break;
            case DnsNameData name:
                WriteName(name.Name, compress: true);
                break;
            case DnsSrvData srv:
                WriteUInt16(srv.Priority);
                WriteUInt16(srv.Weight);
                WriteUInt16(srv.Port);
                WriteName(srv.Target, compress: false); // RFC 2782: the target is never compressed
                break;
            case DnsSoaData soa:
                WriteName(soa.PrimaryServer, compress: true);
                WriteName(soa.Mailbox, compress: true);
                WriteUInt32(soa.Serial);
                WriteUInt32(soa.Refresh);
                WriteUInt32(soa.Retry);
                WriteUInt32(soa.Expire);
                WriteUInt32(soa.Minimum);
                break;
            case DnsTextData text:
                foreach (var value in text.Strings)
                {
                    var bytes = System.Text.Encoding.Latin1.GetBytes(value);
                    if (bytes.Length > 255)
                    {
                        throw new DnsFormatException($"TXT string of {bytes.Length} bytes");
                    }

                    WriteByte((byte)bytes.Length);
                    WriteBytes(bytes);
                }

                break;
            case DnsRawData raw:
                WriteBytes(raw.Bytes);
                break;
            default:
                throw new DnsFormatException($"no encoding for {record.Data.GetType().Name}");
        }
    }

    private void WriteName(string name, bool compress)
    {
        var wireLabels = DnsName.ToWireLabels(name);
        var textLabels = DnsName.Labels(name);
        for (var i = 0; i < wireLabels.Count; i++)
        {
            if (compress)
            {
                var suffix = DnsName.Join(textLabels[i..]);
                if (_names.TryGetValue(suffix, out var target))
                {
                    WriteUInt16((ushort)(0xC000 | target));
                    return;
                }

                if (_length <= MaxPointerTarget)
                {
                    _names[suffix] = _length;
                }
            }

            WriteByte((byte)wireLabels[i].Length);
            WriteBytes(wireLabels[i]);
        }

        WriteByte(0);
    }

    private void WriteUInt16(ushort value)
    {
        Reserve(2);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(_length), value);
        _length += 2;
    }

    private void WriteUInt32(uint value)
    {
        Reserve(4);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(_length), value);
        _length += 4;
    }

    private void WriteByte(byte value)
    {
        Reserve(1);
        _buffer[_length++] = value;
    }

    private void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private void Reserve(int bytes)
    {
        if (_length + bytes > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + bytes));
        }
    }
}
