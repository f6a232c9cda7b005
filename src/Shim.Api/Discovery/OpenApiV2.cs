using System.Text;
using System.Text.Json.Nodes;

namespace Shim.Api.Discovery;

/// <summary>
/// /openapi/v2: JSON with every type definition, derived from the v3 component schemas. The gnostic protobuf form
/// (which kubectl 1.27 loads before every validated write) carries no definitions yet: kubectl validates on the
/// server through the fieldValidation support that /openapi/v3 declares, and reads schemas from v3.
/// </summary>
public static class OpenApiV2
{
    public const string ProtobufMediaType = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

    public static JsonObject Json(string serverVersion)
    {
        var definitions = new JsonObject();
        foreach (var (name, schema) in Schema.SchemaRegistry.Instance.All.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            definitions[name] = ToV2(schema);
        }

        return new JsonObject
        {
            ["swagger"] = "2.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = serverVersion },
            ["paths"] = new JsonObject(),
            ["definitions"] = definitions,
        };
    }

    /// <summary>
    /// A v3 component schema in v2 form: refs point at #/definitions, allOf-wrapped refs become plain refs,
    /// and the oneOf types (IntOrString, Quantity) take their v2 spelling.
    /// </summary>
    private static JsonNode? WrappedReference(JsonObject o) => o["allOf"] is JsonArray { Count: 1 } allOf ? (allOf[0] as JsonObject)?["$ref"] : null;

    private static JsonNode? ToV2(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o when WrappedReference(o) is { } reference:
                return new JsonObject { ["$ref"] = ToV2(reference) };
            case JsonObject o when o["oneOf"] is not null:
                var intOrString = o["x-kubernetes-int-or-string"] is not null;
                return intOrString ? new JsonObject { ["type"] = "string", ["format"] = "int-or-string" } : new JsonObject { ["type"] = "string" };
            case JsonObject o:
                var copy = new JsonObject();
                foreach (var (key, value) in o)
                {
                    copy[key] = ToV2(value);
                }

                return copy;
            case JsonArray a:
                return new JsonArray(a.Select(ToV2).ToArray());
            case JsonValue v when v.TryGetValue<string>(out var text) && text.StartsWith("#/components/schemas/", StringComparison.Ordinal):
                return "#/definitions/" + text["#/components/schemas/".Length..];
            default:
                return node?.DeepClone();
        }
    }

    /// <summary>gnostic openapi_v2.Document{swagger=1, info=2{title=1, version=2}, paths=8{}}.</summary>
    public static byte[] Protobuf(string serverVersion)
    {
        var info = Concat(Field(1, Encoding.UTF8.GetBytes("Kubernetes")), Field(2, Encoding.UTF8.GetBytes(serverVersion)));
        return Concat(Field(1, "2.0"u8.ToArray()), Field(2, info), Field(8, []));
    }

    private static byte[] Field(int number, byte[] payload)
    {
        var bytes = new List<byte> { (byte)((number << 3) | 2) };
        var length = (uint)payload.Length;
        while (length >= 0x80)
        {
            bytes.Add((byte)(length | 0x80));
            length >>= 7;
        }

        bytes.Add((byte)length);
        bytes.AddRange(payload);
        return [.. bytes];
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
