namespace Shim.Api.Protobuf;

/// <summary>A value type in the schema: a scalar kind, or (when <see cref="Scalar"/> is None) a fully-qualified message name.</summary>
internal readonly record struct ProtoTypeRef(ProtoScalarKind Scalar, string? Message)
{
    public bool IsMessage => Scalar == ProtoScalarKind.None;

    /// <summary>Scalars that may arrive packed in one length-delimited record when repeated.</summary>
    public bool IsPackable => Scalar is not (ProtoScalarKind.None or ProtoScalarKind.String or ProtoScalarKind.Bytes);

    public static ProtoTypeRef Parse(string name) => name switch
    {
        "double" => new(ProtoScalarKind.Double, null),
        "float" => new(ProtoScalarKind.Float, null),
        "int32" => new(ProtoScalarKind.Int32, null),
        "int64" => new(ProtoScalarKind.Int64, null),
        "uint32" => new(ProtoScalarKind.UInt32, null),
        "uint64" => new(ProtoScalarKind.UInt64, null),
        "sint32" => new(ProtoScalarKind.SInt32, null),
        "sint64" => new(ProtoScalarKind.SInt64, null),
        "fixed32" => new(ProtoScalarKind.Fixed32, null),
        "fixed64" => new(ProtoScalarKind.Fixed64, null),
        "sfixed32" => new(ProtoScalarKind.SFixed32, null),
        "sfixed64" => new(ProtoScalarKind.SFixed64, null),
        "bool" => new(ProtoScalarKind.Bool, null),
        "string" => new(ProtoScalarKind.String, null),
        "bytes" => new(ProtoScalarKind.Bytes, null),
        _ => new(ProtoScalarKind.None, name),
    };

    /// <summary>The wire type a single (unpacked) value of this type uses.</summary>
    public WireType Wire => Scalar switch
    {
        ProtoScalarKind.None or ProtoScalarKind.String or ProtoScalarKind.Bytes => WireType.LengthDelimited,
        ProtoScalarKind.Double or ProtoScalarKind.Fixed64 or ProtoScalarKind.SFixed64 => WireType.Fixed64,
        ProtoScalarKind.Float or ProtoScalarKind.Fixed32 or ProtoScalarKind.SFixed32 => WireType.Fixed32,
        _ => WireType.Varint,
    };
}
