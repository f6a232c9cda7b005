namespace Shim.Api.Protobuf;

/// <summary>
/// One field of a message, with the Go json-tag facts needed to emit what encoding/json would have produced
/// for the same Go object (kubectl up to 1.31 sent exactly that as JSON).
/// </summary>
internal sealed record ProtoField(
    int Number,
    string JsonName,
    ProtoTypeRef Type,
    ProtoTypeRef? MapKey,
    bool Repeated,
    bool Inline,
    bool OmitEmpty,
    bool OmitZero,
    bool Pointer)
{
    public bool IsMap => MapKey is not null;

    /// <summary>Go `json:"-"`: never serialised.</summary>
    public bool Hidden => JsonName == "-";
}
