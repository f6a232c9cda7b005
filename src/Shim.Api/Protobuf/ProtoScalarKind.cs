namespace Shim.Api.Protobuf;

/// <summary>The proto2 scalar types; <see cref="None"/> marks a message-typed value.</summary>
internal enum ProtoScalarKind
{
    None,
    Double,
    Float,
    Int32,
    Int64,
    UInt32,
    UInt64,
    SInt32,
    SInt64,
    Fixed32,
    Fixed64,
    SFixed32,
    SFixed64,
    Bool,
    String,
    Bytes,
}
