using Shim.Api.Errors;

namespace Shim.Api.Protobuf;

/// <summary>Forward-only reader of protobuf wire format; every malformation becomes a 400.</summary>
internal ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public ProtoReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>Reads the next tag, or returns false at the end of the data.</summary>
    public bool TryReadTag(out int fieldNumber, out WireType wireType)
    {
        if (AtEnd)
        {
            fieldNumber = 0;
            wireType = 0;
            return false;
        }

        var tag = ReadVarint();
        var number = tag >> 3;
        if (number == 0 || number > 536_870_911)
        {
            throw Malformed($"invalid field number {number}");
        }

        var wire = (int)(tag & 7);
        if (wire > 5)
        {
            throw Malformed($"invalid wire type {wire}");
        }

        fieldNumber = (int)number;
        wireType = (WireType)wire;
        return true;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw Malformed("truncated varint");
            }

            var b = _data[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw Malformed("varint longer than 10 bytes");
    }

    public uint ReadFixed32()
    {
        var bytes = Take(4);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }

    public ulong ReadFixed64()
    {
        var bytes = Take(8);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw Malformed("length-delimited field runs past the end of its message");
        }

        return Take((int)length);
    }

    /// <summary>Skips the value of an unknown field.</summary>
    public void Skip(WireType wireType, int depth = 0)
    {
        switch (wireType)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                Take(8);
                break;
            case WireType.Fixed32:
                Take(4);
                break;
            case WireType.LengthDelimited:
                ReadLengthDelimited();
                break;
            case WireType.StartGroup:
                // Deprecated groups: skip nested fields up to the matching end-group tag.
                if (depth > 64)
                {
                    throw Malformed("groups nested too deeply");
                }

                while (true)
                {
                    if (!TryReadTag(out _, out var inner))
                    {
                        throw Malformed("unterminated group");
                    }

                    if (inner == WireType.EndGroup)
                    {
                        break;
                    }

                    Skip(inner, depth + 1);
                }

                break;
            default:
                throw Malformed("unexpected end-group tag");
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _data.Length - _position)
        {
            throw Malformed("truncated field");
        }

        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }

    internal static ApiException Malformed(string detail) =>
        ApiException.BadRequest($"the body of the request could not be decoded as protobuf: {detail}");
}
