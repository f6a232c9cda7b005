using System.Text.Json.Nodes;
using Shim.Api.Schema;

namespace Shim.Api.Apply;

/// <summary>
/// The structured-merge-diff view of a schema node, derived as kube-openapi's schemaconv derives it:
/// which of scalar/list/map a value here may be, whether lists are atomic, sets or maps by keys (explicit
/// x-kubernetes-list-type, else patch strategy "merge" with its merge key, else atomic), whether maps are
/// atomic (x-kubernetes-map-type, the field's declaration overriding the referenced type) and the types of
/// fields, map values and list items. Without a schema everything is "deduced": maps granular, lists atomic.
/// </summary>
internal sealed class SchemaType
{
    private const string RawExtension = "io.k8s.apimachinery.pkg.runtime.RawExtension";
    private const string Quantity = "io.k8s.apimachinery.pkg.api.resource.Quantity";

    private readonly SchemaNode? _node;
    private readonly JsonObject? _properties;
    private readonly JsonObject? _additional;
    private readonly Dictionary<string, SchemaType> _fields = new(StringComparer.Ordinal);
    private SchemaType? _listElement;
    private SchemaType? _mapElement;

    private SchemaType(bool scalar, bool list, bool map, bool listAtomic, bool mapAtomic, IReadOnlyList<string>? keys = null, SchemaNode? node = null)
    {
        HasScalar = scalar;
        HasList = list;
        HasMap = map;
        ListAtomic = listAtomic;
        MapAtomic = mapAtomic;
        ListKeys = keys ?? [];
        _node = node;
        if (node is not null)
        {
            _properties = node.Resolved["properties"] as JsonObject;
            _additional = node.Resolved["additionalProperties"] as JsonObject;
        }
    }

    /// <summary>Free-form values: scalars, atomic lists, granular maps of deduced values.</summary>
    public static SchemaType Deduced { get; } = new(scalar: true, list: true, map: true, listAtomic: true, mapAtomic: false);

    /// <summary>Values that are leaves whatever their shape.</summary>
    public static SchemaType UntypedAtomic { get; } = new(scalar: true, list: true, map: true, listAtomic: true, mapAtomic: true);

    public bool HasScalar { get; }
    public bool HasList { get; }
    public bool HasMap { get; }
    public bool ListAtomic { get; }
    public bool MapAtomic { get; }

    /// <summary>The key fields of a map-typed list; empty for sets (when not atomic).</summary>
    public IReadOnlyList<string> ListKeys { get; }

    public SchemaNode? Node => _node;

    public static SchemaType Of(SchemaNode? node)
    {
        if (node is null)
        {
            return Deduced;
        }

        switch (node.TypeName)
        {
            case RawExtension:
                return UntypedAtomic;
            case Quantity:
                return new SchemaType(scalar: true, list: false, map: false, listAtomic: true, mapAtomic: false);
        }

        var mapAtomic = node.MapType == "atomic";
        switch (node.Type)
        {
            case "object":
                return new SchemaType(scalar: false, list: false, map: true, listAtomic: true, mapAtomic, node: node);
            case "array":
                var (atomic, keys) = ListRelationship(node);
                return new SchemaType(scalar: false, list: true, map: false, atomic, mapAtomic, keys, node);
            case "string" or "integer" or "number" or "boolean":
                return new SchemaType(scalar: true, list: false, map: false, listAtomic: true, mapAtomic: false, node: node);
            case null or "":
                var (untypedAtomic, untypedKeys) = ListRelationship(node);
                return new SchemaType(scalar: true, list: true, map: true, untypedAtomic, mapAtomic, untypedKeys, node);
            default:
                return new SchemaType(scalar: true, list: false, map: false, listAtomic: true, mapAtomic: false, node: node);
        }
    }

    private static (bool Atomic, IReadOnlyList<string> Keys) ListRelationship(SchemaNode node)
    {
        switch (node.ListType)
        {
            case "atomic":
                return (true, []);
            case "set":
                return (false, []);
            case "map":
                return (false, node.ListMapKeys);
            case not null:
                return (true, []);
        }

        switch (node.PatchStrategy)
        {
            case "merge" or "merge,retainKeys":
                return node.PatchMergeKey is { Length: > 0 } key ? (false, [key]) : (false, []);
            default:
                return (true, []);
        }
    }

    /// <summary>The type of list items.</summary>
    public SchemaType ListElement => _listElement ??= _node is null
        ? UntypedAtomic
        : _node.Items is { } items ? Of(items) : UntypedAtomic;

    public bool HasDeclaredField(string name) => _properties?.ContainsKey(name) == true;

    /// <summary>The type of a map entry: a declared field's, else the map's value type (deduced when unknown).</summary>
    public (SchemaType Type, bool Declared) Field(string name)
    {
        if (_node is null)
        {
            return (Deduced, false);
        }

        if (_properties is not null && _properties[name] is JsonObject)
        {
            if (!_fields.TryGetValue(name, out var type))
            {
                type = Of(_node.Property(name));
                _fields[name] = type;
            }

            return (type, true);
        }

        return (MapElement, false);
    }

    private SchemaType MapElement => _mapElement ??= _node is not null && _additional is not null
        ? Of(new SchemaNode(SchemaRegistry.Instance, _additional))
        : Deduced;

    /// <summary>The declared default of a field of this struct (used for missing keys of map-list items).</summary>
    public JsonNode? FieldDefault(string name)
    {
        if (_properties?[name] is not JsonObject declaration)
        {
            return null;
        }

        if (declaration["default"] is { } d)
        {
            return d;
        }

        return _node!.Property(name)?.Resolved["default"];
    }

    /// <summary>
    /// Which shapes a value here is treated as (upstream's deduceAtom): narrowed to the value's own shape when
    /// the schema allows it, else every shape the schema allows (absent values, nulls, mismatches).
    /// </summary>
    public AtomShape Deduce(JsonNode? value, bool present)
    {
        if (present)
        {
            var kind = JsonValues.Kind(value);
            if (JsonValues.IsScalar(kind) && HasScalar)
            {
                return AtomShape.Scalar;
            }

            if (kind == ValueKind.List && HasList)
            {
                return AtomShape.List;
            }

            if (kind == ValueKind.Map && HasMap)
            {
                return AtomShape.Map;
            }
        }

        return (HasScalar ? AtomShape.Scalar : 0) | (HasList ? AtomShape.List : 0) | (HasMap ? AtomShape.Map : 0);
    }
}
