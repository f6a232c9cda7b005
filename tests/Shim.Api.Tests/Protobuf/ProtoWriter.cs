using System.Text;

namespace Shim.Api.Tests.Protobuf;

/// <summary>Minimal protobuf encoder for hand-built bodies (shapes kubectl never sends, malformed input).</summary>
internal sealed class ProtoWriter
{
    private readonly List<byte> _bytes = [];

    public ProtoWriter Varint(int field, ulong value) => Tag(field, 0).RawVarint(value);

    public ProtoWriter Varint(int field, long value) => Varint(field, (ulong)value);

    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Bytes(int field, byte[] value)
    {
        Tag(field, 2).RawVarint((ulong)value.Length);
        _bytes.AddRange(value);
        return this;
    }

    public ProtoWriter Message(int field, Action<ProtoWriter> build)
    {
        var inner = new ProtoWriter();
        build(inner);
        return Bytes(field, inner.ToArray());
    }

    /// <summary>A map&lt;string,string&gt; entry.</summary>
    public ProtoWriter Entry(int field, string key, string value) => Message(field, e => e.String(1, key).String(2, value));

    public ProtoWriter Fixed64(int field, ulong value)
    {
        Tag(field, 1);
        _bytes.AddRange(BitConverter.GetBytes(value));
        return this;
    }

    public ProtoWriter Fixed32(int field, uint value)
    {
        Tag(field, 5);
        _bytes.AddRange(BitConverter.GetBytes(value));
        return this;
    }

    public ProtoWriter Raw(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public ProtoWriter Tag(int field, int wireType) => RawVarint(((ulong)field << 3) | (uint)wireType);

    public ProtoWriter RawVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        _bytes.Add((byte)value);
        return this;
    }

    public byte[] ToArray() => [.. _bytes];

    /// <summary>"k8s\0" + runtime.Unknown{typeMeta{apiVersion, kind}, raw, contentEncoding "", contentType ""} as client-go writes it.</summary>
    public static byte[] Envelope(string apiVersion, string kind, Action<ProtoWriter> build, string contentType = "", string contentEncoding = "")
    {
        var raw = new ProtoWriter();
        build(raw);
        var unknown = new ProtoWriter()
            .Message(1, t => t.String(1, apiVersion).String(2, kind))
            .Bytes(2, raw.ToArray())
            .String(3, contentEncoding)
            .String(4, contentType);
        return [.. "k8s\0"u8.ToArray(), .. unknown.ToArray()];
    }

    /// <summary>ObjectMeta as gogo-protobuf writes it: every non-pointer field present, zero Time as an empty message.</summary>
    public static ProtoWriter Meta(ProtoWriter m, string name, string ns = "") =>
        m.String(1, name).String(2, "").String(3, ns).String(4, "").String(5, "").String(6, "").Varint(7, 0UL).Bytes(8, []);
}
