using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shim.Api.Protobuf;

/// <summary>
/// Converts a protobuf message to the JSON that Go's encoding/json produces for the same Kubernetes object:
/// json names and inlining from the Go tags, omitempty on zero scalars, null for absent non-omitempty pointers,
/// slices and maps, and the hand-written JSON forms of Time, MicroTime, Duration, Quantity, IntOrString,
/// RawExtension, FieldsV1 and the apiextensions JSON/JSONSchemaPropsOr* wrappers.
/// </summary>
internal sealed class ProtoJsonConverter
{
    // Deep enough for any real object (CRD schemas nest a few dozen levels); bounds recursion on hostile input.
    private const int MaxDepth = 200;

    private const string Meta = "k8s.io.apimachinery.pkg.apis.meta.v1.";
    private const string Extensions = "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.";
    private const string TimeType = Meta + "Time";
    private const string MicroTimeType = Meta + "MicroTime";
    private const string DurationType = Meta + "Duration";
    private const string FieldsV1Type = Meta + "FieldsV1";
    private const string QuantityType = "k8s.io.apimachinery.pkg.api.resource.Quantity";
    private const string QuantityValueType = "k8s.io.apimachinery.pkg.api.resource.QuantityValue";
    private const string IntOrStringType = "k8s.io.apimachinery.pkg.util.intstr.IntOrString";
    private const string RawExtensionType = "k8s.io.apimachinery.pkg.runtime.RawExtension";
    private const string UnknownType = "k8s.io.apimachinery.pkg.runtime.Unknown";
    private const string JsonType = Extensions + "JSON";
    private const string PropsType = Extensions + "JSONSchemaProps";
    private const string PropsOrArrayType = Extensions + "JSONSchemaPropsOrArray";
    private const string PropsOrBoolType = Extensions + "JSONSchemaPropsOrBool";
    private const string PropsOrStringArrayType = Extensions + "JSONSchemaPropsOrStringArray";

    private readonly ProtoSchema _schema;

    public ProtoJsonConverter(ProtoSchema schema) => _schema = schema;

    /// <summary>The JSON value of a message: usually an object, but a string/number/array/bool/null for the special types.</summary>
    public JsonNode? ConvertMessage(string typeName, ReadOnlySpan<byte> data, int depth)
    {
        if (depth > MaxDepth)
        {
            throw ProtoReader.Malformed("messages nested too deeply");
        }

        switch (typeName)
        {
            case TimeType:
                return ConvertTime(data, micro: false);
            case MicroTimeType:
                return ConvertTime(data, micro: true);
            case DurationType:
                return JsonValue.Create(GoFormat.Duration(ReadSingleVarintField(data, 1)));
            case QuantityType or QuantityValueType:
                return ConvertQuantity(data);
            case IntOrStringType:
                return ConvertIntOrString(data);
            case RawExtensionType or JsonType or FieldsV1Type:
                return ParseEmbeddedJson(ReadSingleBytesField(data, 1), depth);
            case UnknownType:
                return ParseEmbeddedJson(ReadSingleBytesField(data, 2), depth);
            case PropsOrArrayType or PropsOrBoolType or PropsOrStringArrayType:
                return ConvertSchemaUnion(typeName, data, depth);
        }

        var type = _schema.Find(typeName) ?? throw ProtoReader.Malformed($"no schema for message type {typeName}");
        return ConvertGeneric(type, data, depth);
    }

    private JsonNode? ConvertGeneric(ProtoMessageType type, ReadOnlySpan<byte> data, int depth)
    {
        var singles = new Dictionary<int, ProtoValue>();
        var lists = new Dictionary<int, JsonArray>();
        var maps = new Dictionary<int, JsonObject>();
        var reader = new ProtoReader(data);
        while (reader.TryReadTag(out var number, out var wire))
        {
            if (!type.ByNumber.TryGetValue(number, out var field))
            {
                reader.Skip(wire);
                continue;
            }

            if (field.IsMap)
            {
                Expect(field, wire, WireType.LengthDelimited);
                var (key, value) = ReadMapEntry(field, reader.ReadLengthDelimited(), depth);
                if (!maps.TryGetValue(number, out var map))
                {
                    maps[number] = map = [];
                }

                map[key] = value;
            }
            else if (field.Repeated)
            {
                if (!lists.TryGetValue(number, out var list))
                {
                    lists[number] = list = [];
                }

                if (wire == WireType.LengthDelimited && field.Type.IsPackable)
                {
                    var packed = new ProtoReader(reader.ReadLengthDelimited());
                    while (!packed.AtEnd)
                    {
                        list.Add(ReadValue(field, field.Type, field.Type.Wire, ref packed, depth).Node);
                    }
                }
                else
                {
                    list.Add(ReadValue(field, field.Type, wire, ref reader, depth).Node);
                }
            }
            else
            {
                // proto2: the last occurrence of a singular field wins.
                singles[number] = ReadValue(field, field.Type, wire, ref reader, depth);
            }
        }

        if (type.SliceAlias)
        {
            // Go `type ExtraValue []string`: the wrapper's single repeated field is the JSON array itself.
            return type.Fields.Count > 0 && lists.TryGetValue(type.Fields[0].Number, out var items) ? items : null;
        }

        var result = new JsonObject();
        foreach (var field in type.Fields)
        {
            if (field.Hidden)
            {
                continue;
            }

            if (field.IsMap || field.Repeated)
            {
                JsonNode? collection = field.IsMap
                    ? maps.GetValueOrDefault(field.Number)
                    : lists.GetValueOrDefault(field.Number);
                if (collection is not null)
                {
                    result[field.JsonName] = collection;
                }
                else if (!field.OmitEmpty)
                {
                    result[field.JsonName] = null; // nil slice/map without omitempty
                }

                continue;
            }

            if (singles.TryGetValue(field.Number, out var value))
            {
                Emit(result, field, value);
            }
            else if (!field.OmitEmpty)
            {
                // Absent on the wire means Go's zero value: nil for pointers, the zero struct/scalar otherwise.
                if (field.Pointer)
                {
                    result[field.JsonName] = null;
                }
                else if (field.Type.IsMessage)
                {
                    Emit(result, field, new ProtoValue(ConvertMessage(field.Type.Message!, [], depth + 1), false));
                }
                else
                {
                    Emit(result, field, ZeroScalar(field.Type.Scalar));
                }
            }
        }

        return result;
    }

    private static void Emit(JsonObject result, ProtoField field, ProtoValue value)
    {
        if (field.Inline)
        {
            // Go `json:",inline"`: the embedded struct's properties join the parent's.
            if (value.Node is JsonObject inner)
            {
                var properties = inner.ToList();
                inner.Clear();
                foreach (var (name, node) in properties)
                {
                    result[name] = node;
                }
            }

            return;
        }

        if (value.IsZero && ((field.OmitEmpty && !field.Pointer) || field.OmitZero))
        {
            return;
        }

        result[field.JsonName] = value.Node;
    }

    private ProtoValue ReadValue(ProtoField field, ProtoTypeRef type, WireType wire, ref ProtoReader reader, int depth)
    {
        Expect(field, wire, type.Wire);
        if (type.IsMessage)
        {
            var node = ConvertMessage(type.Message!, reader.ReadLengthDelimited(), depth + 1);
            // A zero Time (null) counts as zero for omitzero; other structs are never omitted by encoding/json.
            return new ProtoValue(node, node is null && type.Message is TimeType or MicroTimeType);
        }

        return ReadScalar(type.Scalar, ref reader);
    }

    private static ProtoValue ReadScalar(ProtoScalarKind kind, ref ProtoReader reader)
    {
        switch (kind)
        {
            case ProtoScalarKind.Int32:
            {
                var v = (int)reader.ReadVarint();
                return new ProtoValue(JsonValue.Create(v), v == 0);
            }
            case ProtoScalarKind.Int64:
            {
                var v = (long)reader.ReadVarint();
                return new ProtoValue(JsonValue.Create(v), v == 0);
            }
            case ProtoScalarKind.UInt32:
            {
                var v = (uint)reader.ReadVarint();
                return new ProtoValue(JsonValue.Create(v), v == 0);
            }
            case ProtoScalarKind.UInt64:
            {
                var v = reader.ReadVarint();
                return new ProtoValue(JsonValue.Create(v), v == 0);
            }
            case ProtoScalarKind.SInt32:
            {
                var raw = (uint)reader.ReadVarint();
                var v = (int)(raw >> 1) ^ -(int)(raw & 1);
                return new ProtoValue(JsonValue.Create(v), v == 0);
            }
            case ProtoScalarKind.SInt64:
            {
                var raw = reader.ReadVarint();
                var v = (long)(raw >> 1) ^ -(long)(raw & 1);
                return new ProtoValue(JsonValue.Create(v), v == 0);
            }
            case ProtoScalarKind.Bool:
            {
                var v = reader.ReadVarint() != 0;
                return new ProtoValue(JsonValue.Create(v), !v);
            }
            case ProtoScalarKind.Fixed32:
            {
                var v = reader.ReadFixed32();
                return new ProtoValue(JsonValue.Create(v), v == 0);
            }
            case ProtoScalarKind.SFixed32:
            {
                var v = (int)reader.ReadFixed32();
                return new ProtoValue(JsonValue.Create(v), v == 0);
            }
            case ProtoScalarKind.Fixed64:
            {
                var v = reader.ReadFixed64();
                return new ProtoValue(JsonValue.Create(v), v == 0);
            }
            case ProtoScalarKind.SFixed64:
            {
                var v = (long)reader.ReadFixed64();
                return new ProtoValue(JsonValue.Create(v), v == 0);
            }
            case ProtoScalarKind.Float:
            {
                var v = BitConverter.Int32BitsToSingle((int)reader.ReadFixed32());
                return new ProtoValue(JsonValue.Create(Finite(v)), v == 0);
            }
            case ProtoScalarKind.Double:
            {
                var v = BitConverter.Int64BitsToDouble((long)reader.ReadFixed64());
                return new ProtoValue(JsonValue.Create(Finite(v)), v == 0);
            }
            case ProtoScalarKind.String:
            {
                var bytes = reader.ReadLengthDelimited();
                return new ProtoValue(JsonValue.Create(Encoding.UTF8.GetString(bytes)), bytes.IsEmpty);
            }
            case ProtoScalarKind.Bytes:
            {
                // []byte is base64 in JSON (Secret.data, ConfigMap.binaryData, caBundle).
                var bytes = reader.ReadLengthDelimited();
                return new ProtoValue(JsonValue.Create(Convert.ToBase64String(bytes)), bytes.IsEmpty);
            }
            default:
                throw new InvalidOperationException($"unexpected scalar kind {kind}");
        }
    }

    private static ProtoValue ZeroScalar(ProtoScalarKind kind) => kind switch
    {
        ProtoScalarKind.String => new ProtoValue(JsonValue.Create(""), true),
        ProtoScalarKind.Bool => new ProtoValue(JsonValue.Create(false), true),
        ProtoScalarKind.Bytes => new ProtoValue(null, true), // nil []byte is null
        ProtoScalarKind.Float or ProtoScalarKind.Double => new ProtoValue(JsonValue.Create(0.0), true),
        _ => new ProtoValue(JsonValue.Create(0), true),
    };

    private static double Finite(double v) =>
        double.IsFinite(v) ? v : throw ProtoReader.Malformed("NaN and infinite numbers have no JSON form");

    private (string Key, JsonNode? Value) ReadMapEntry(ProtoField field, ReadOnlySpan<byte> entry, int depth)
    {
        // Map entries are messages {1: key, 2: value}; a missing part is the type's zero value.
        var keyType = field.MapKey!.Value;
        ProtoValue? key = null;
        ProtoValue? value = null;
        var reader = new ProtoReader(entry);
        while (reader.TryReadTag(out var number, out var wire))
        {
            switch (number)
            {
                case 1:
                    key = ReadValue(field, keyType, wire, ref reader, depth);
                    break;
                case 2:
                    value = ReadValue(field, field.Type, wire, ref reader, depth);
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        if (keyType.IsMessage)
        {
            throw ProtoReader.Malformed($"map field {field.JsonName} has a message key");
        }

        var keyNode = (key ?? ZeroScalar(keyType.Scalar)).Node;
        var keyText = keyNode is null ? "" : keyNode.GetValueKind() == JsonValueKind.String
            ? keyNode.GetValue<string>()
            : keyNode.ToJsonString();
        var valueNode = value is { } v ? v.Node
            : field.Type.IsMessage ? ConvertMessage(field.Type.Message!, [], depth + 1)
            : ZeroScalar(field.Type.Scalar).Node;
        return (keyText, valueNode);
    }

    private static void Expect(ProtoField field, WireType actual, WireType expected)
    {
        if (actual != expected)
        {
            throw ProtoReader.Malformed($"field {field.JsonName} (#{field.Number}) has wire type {(int)actual}, expected {(int)expected}");
        }
    }

    private static JsonNode? ConvertTime(ReadOnlySpan<byte> data, bool micro)
    {
        long seconds = 0;
        long nanos = 0;
        var reader = new ProtoReader(data);
        while (reader.TryReadTag(out var number, out var wire))
        {
            if (number is 1 or 2 && wire == WireType.Varint)
            {
                var v = (long)reader.ReadVarint();
                if (number == 1)
                {
                    seconds = v;
                }
                else
                {
                    nanos = (int)v;
                }
            }
            else
            {
                reader.Skip(wire);
            }
        }

        // Time keeps whole seconds only (upstream drops nanos on decode); the zero time is JSON null.
        if (!micro)
        {
            nanos = 0;
        }

        if ((seconds == 0 && nanos == 0 && data.IsEmpty) || (seconds == GoFormat.ZeroTimeUnixSeconds && nanos < 1000))
        {
            return null;
        }

        var text = micro ? GoFormat.MicroTime(seconds, (int)nanos) : GoFormat.Time(seconds);
        return text is null
            ? throw ProtoReader.Malformed($"timestamp {seconds}.{nanos} is outside years 1-9999")
            : JsonValue.Create(text);
    }

    private static JsonNode ConvertQuantity(ReadOnlySpan<byte> data)
    {
        // resource.Quantity travels as its canonical string; the zero Quantity prints as "0".
        var text = ReadSingleStringField(data, 1);
        return JsonValue.Create(string.IsNullOrEmpty(text) ? "0" : text);
    }

    private static JsonNode ConvertIntOrString(ReadOnlySpan<byte> data)
    {
        long type = 0;
        var intVal = 0;
        var strVal = "";
        var reader = new ProtoReader(data);
        while (reader.TryReadTag(out var number, out var wire))
        {
            switch (number)
            {
                case 1 when wire == WireType.Varint:
                    type = (long)reader.ReadVarint();
                    break;
                case 2 when wire == WireType.Varint:
                    intVal = (int)reader.ReadVarint();
                    break;
                case 3 when wire == WireType.LengthDelimited:
                    strVal = Encoding.UTF8.GetString(reader.ReadLengthDelimited());
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return type switch
        {
            0 => JsonValue.Create(intVal),
            1 => JsonValue.Create(strVal),
            _ => throw ProtoReader.Malformed($"IntOrString has unknown type {type}"),
        };
    }

    private JsonNode? ParseEmbeddedJson(ReadOnlySpan<byte> raw, int depth)
    {
        // RawExtension/JSON/FieldsV1 carry JSON text; a nil Raw marshals as null.
        if (raw.IsEmpty)
        {
            return null;
        }

        if (raw.StartsWith(ProtobufBody.Magic))
        {
            return ProtobufBody.DecodeEnvelope(raw, this, depth + 1);
        }

        try
        {
            return JsonNode.Parse(raw, documentOptions: new JsonDocumentOptions { MaxDepth = MaxDepth, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw ProtoReader.Malformed($"embedded raw object is not valid JSON: {e.Message}");
        }
    }

    private JsonNode? ConvertSchemaUnion(string typeName, ReadOnlySpan<byte> data, int depth)
    {
        // JSONSchemaPropsOr* marshal as whichever alternative is set (see apiextensions/v1 marshal.go).
        JsonNode? schema = null;
        var array = new JsonArray();
        var allows = false;
        var reader = new ProtoReader(data);
        while (reader.TryReadTag(out var number, out var wire))
        {
            switch (typeName, number, wire)
            {
                case (PropsOrArrayType or PropsOrStringArrayType, 1, WireType.LengthDelimited):
                case (PropsOrBoolType, 2, WireType.LengthDelimited):
                    schema = ConvertMessage(PropsType, reader.ReadLengthDelimited(), depth + 1);
                    break;
                case (PropsOrArrayType, 2, WireType.LengthDelimited):
                    array.Add(ConvertMessage(PropsType, reader.ReadLengthDelimited(), depth + 1));
                    break;
                case (PropsOrStringArrayType, 2, WireType.LengthDelimited):
                    array.Add(JsonValue.Create(Encoding.UTF8.GetString(reader.ReadLengthDelimited())));
                    break;
                case (PropsOrBoolType, 1, WireType.Varint):
                    allows = reader.ReadVarint() != 0;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return typeName switch
        {
            PropsOrArrayType => array.Count > 0 ? array : schema,
            PropsOrStringArrayType => array.Count > 0 ? array : schema,
            _ => schema ?? JsonValue.Create(allows),
        };
    }

    private static long ReadSingleVarintField(ReadOnlySpan<byte> data, int wanted)
    {
        long result = 0;
        var reader = new ProtoReader(data);
        while (reader.TryReadTag(out var number, out var wire))
        {
            if (number == wanted && wire == WireType.Varint)
            {
                result = (long)reader.ReadVarint();
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return result;
    }

    private static ReadOnlySpan<byte> ReadSingleBytesField(ReadOnlySpan<byte> data, int wanted)
    {
        ReadOnlySpan<byte> result = default;
        var reader = new ProtoReader(data);
        while (reader.TryReadTag(out var number, out var wire))
        {
            if (number == wanted && wire == WireType.LengthDelimited)
            {
                result = reader.ReadLengthDelimited();
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return result;
    }

    private static string? ReadSingleStringField(ReadOnlySpan<byte> data, int wanted)
    {
        var bytes = ReadSingleBytesField(data, wanted);
        return bytes.IsEmpty ? null : Encoding.UTF8.GetString(bytes);
    }
}
