using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Protobuf;

/// <summary>
/// Decodes `application/vnd.kubernetes.protobuf` request bodies (sent by client-go ≥1.32 typed clients, so by
/// kubectl create/auth/token/drain) into the JSON object the JSON API would have received.
/// Body = "k8s\0" + runtime.Unknown {1: typeMeta{1: apiVersion, 2: kind}, 2: raw, 3: contentEncoding, 4: contentType}.
/// </summary>
public static class ProtobufBody
{
    private const string ProtobufContentType = "application/vnd.kubernetes.protobuf";

    internal static ReadOnlySpan<byte> Magic => "k8s\0"u8;

    /// <summary>Converts a protobuf body to JSON with apiVersion and kind; malformed input throws a 400 <see cref="ApiException"/>.</summary>
    public static JsonObject Decode(byte[] body)
    {
        if (body is null)
        {
            throw ApiException.BadRequest("the request body is empty");
        }

        // Load the schema outside the guard below: a broken build is not the client's fault.
        var converter = new ProtoJsonConverter(ProtoSchema.Shared);
        try
        {
            return DecodeEnvelope(body, converter, 0) as JsonObject
                ?? throw ProtoReader.Malformed("the object is not a JSON object");
        }
        catch (Exception e) when (e is JsonException or ArgumentException or FormatException or OverflowException or InvalidOperationException)
        {
            throw ProtoReader.Malformed(e.Message);
        }
    }

    /// <summary>Decodes one "k8s\0"-prefixed Unknown envelope (also used for objects nested in RawExtension).</summary>
    internal static JsonNode? DecodeEnvelope(ReadOnlySpan<byte> body, ProtoJsonConverter converter, int depth)
    {
        if (!body.StartsWith(Magic))
        {
            throw ProtoReader.Malformed("missing the \"k8s\\0\" prefix");
        }

        var apiVersion = "";
        var kind = "";
        ReadOnlySpan<byte> raw = default;
        var contentEncoding = "";
        var contentType = "";
        var reader = new ProtoReader(body[Magic.Length..]);
        while (reader.TryReadTag(out var number, out var wire))
        {
            switch (number)
            {
                case 1 when wire == WireType.LengthDelimited:
                    (apiVersion, kind) = ReadTypeMeta(reader.ReadLengthDelimited());
                    break;
                case 2 when wire == WireType.LengthDelimited:
                    raw = reader.ReadLengthDelimited();
                    break;
                case 3 when wire == WireType.LengthDelimited:
                    contentEncoding = Encoding.UTF8.GetString(reader.ReadLengthDelimited());
                    break;
                case 4 when wire == WireType.LengthDelimited:
                    contentType = Encoding.UTF8.GetString(reader.ReadLengthDelimited());
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        if (contentEncoding.Length > 0)
        {
            throw ProtoReader.Malformed($"content encoding \"{contentEncoding}\" is not supported");
        }

        JsonNode? node;
        if (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            node = raw.IsEmpty ? null : JsonNode.Parse(raw, documentOptions: Http.BodyReader.JsonOptions);
        }
        else if (contentType.Length == 0 || contentType.Equals(ProtobufContentType, StringComparison.OrdinalIgnoreCase))
        {
            node = converter.ConvertMessage(ResolveMessage(apiVersion, kind), raw, depth);
        }
        else
        {
            throw ProtoReader.Malformed($"content type \"{contentType}\" is not supported");
        }

        if (node is not JsonObject fields)
        {
            return node;
        }

        // apiVersion and kind lead, as in Go's JSON of an object (TypeMeta is inlined first).
        var result = new JsonObject();
        if (kind.Length > 0)
        {
            result["kind"] = kind;
        }

        if (apiVersion.Length > 0)
        {
            result["apiVersion"] = apiVersion;
        }

        var properties = fields.ToList();
        fields.Clear();
        foreach (var (name, value) in properties)
        {
            result[name] = value;
        }

        return result;
    }

    private static (string ApiVersion, string Kind) ReadTypeMeta(ReadOnlySpan<byte> data)
    {
        var apiVersion = "";
        var kind = "";
        var reader = new ProtoReader(data);
        while (reader.TryReadTag(out var number, out var wire))
        {
            switch (number)
            {
                case 1 when wire == WireType.LengthDelimited:
                    apiVersion = Encoding.UTF8.GetString(reader.ReadLengthDelimited());
                    break;
                case 2 when wire == WireType.LengthDelimited:
                    kind = Encoding.UTF8.GetString(reader.ReadLengthDelimited());
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return (apiVersion, kind);
    }

    /// <summary>
    /// The message for (apiVersion, kind): the group/version's own package first, then meta/v1, whose option
    /// kinds (DeleteOptions, CreateOptions, ...) every group version registers (typed deletes send "v1"/DeleteOptions).
    /// </summary>
    private static string ResolveMessage(string apiVersion, string kind)
    {
        if (kind.Length == 0)
        {
            throw ProtoReader.Malformed("the object has no kind");
        }

        var schema = ProtoSchema.Shared;
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var (group, version) = slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
        if (version.Length > 0 && !version.Contains('/', StringComparison.Ordinal)
            && schema.PackageFor(group, version) is { } package && schema.Find($"{package}.{kind}") is not null)
        {
            return $"{package}.{kind}";
        }

        var meta = $"{ProtoSchema.MetaPackage}.{kind}";
        if (schema.Find(meta) is not null)
        {
            return meta;
        }

        throw ProtoReader.Malformed($"no protobuf schema for kind \"{kind}\" in apiVersion \"{apiVersion}\"");
    }
}
