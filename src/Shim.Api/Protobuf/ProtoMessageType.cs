namespace Shim.Api.Protobuf;

/// <summary>A message of the schema; <see cref="SliceAlias"/> marks Go `type X []T` wrappers (ExtraValue, Verbs) that are JSON arrays.</summary>
internal sealed class ProtoMessageType
{
    public ProtoMessageType(string name, bool sliceAlias, IReadOnlyList<ProtoField> fields)
    {
        Name = name;
        SliceAlias = sliceAlias;
        Fields = fields;
        ByNumber = fields.ToDictionary(f => f.Number);
    }

    public string Name { get; }
    public bool SliceAlias { get; }

    /// <summary>Declaration order, which is the Go struct order and so the JSON property order.</summary>
    public IReadOnlyList<ProtoField> Fields { get; }

    public IReadOnlyDictionary<int, ProtoField> ByNumber { get; }
}
