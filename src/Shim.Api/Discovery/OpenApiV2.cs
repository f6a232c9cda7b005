using System.Text;
using System.Text.Json.Nodes;

namespace Shim.Api.Discovery;

/// <summary>
/// /openapi/v2: for now a document without definitions, in JSON or in the gnostic protobuf form that client-go
/// parses (kubectl 1.27 loads it before every validated write). Type schemas arrive with the schema-first model;
/// until then clients validate on the server through the fieldValidation support that /openapi/v3 declares.
/// </summary>
public static class OpenApiV2
{
    public const string ProtobufMediaType = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

    public static JsonObject Json(string serverVersion) => new()
    {
        ["swagger"] = "2.0",
        ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = serverVersion },
        ["paths"] = new JsonObject(),
        ["definitions"] = new JsonObject(),
    };

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
