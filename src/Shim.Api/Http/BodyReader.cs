using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Shim.Api.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Shim.Api.Http;

/// <summary>Reads request bodies: size limit (413), JSON or YAML by Content-Type, syntax errors as 400.</summary>
public static class BodyReader
{
    public const int MaxBodyBytes = 3 * 1024 * 1024;

    /// <summary>Bodies up to this size are read to the end before a 413; larger ones are cut off at once.</summary>
    public const int DrainLimitBytes = 16 * 1024 * 1024;

    /// <summary>Duplicate keys are refused at parse time (otherwise they fail later, deep inside a handler).</summary>
    public static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 256, AllowDuplicateProperties = false };

    public static async Task<byte[]> ReadBytesAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > DrainLimitBytes)
        {
            throw TooLarge();
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        long total = 0;
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total > DrainLimitBytes)
            {
                throw TooLarge();
            }

            // Past the limit the rest is read and dropped, so the client gets its 413 instead of a broken pipe.
            if (total <= MaxBodyBytes)
            {
                buffer.Write(chunk, 0, read);
            }
        }

        return total > MaxBodyBytes ? throw TooLarge() : buffer.ToArray();
    }

    /// <summary>The body as a JSON object, from JSON or YAML.</summary>
    public static async Task<JsonObject> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var bytes = await ReadBytesAsync(request, cancellationToken).ConfigureAwait(false);
        return ParseObject(bytes, request.ContentType);
    }

    /// <summary>JSON, YAML, or the protobuf envelope typed clients send since client-go 1.32.</summary>
    public static JsonObject ParseObject(byte[] bytes, string? contentType)
    {
        switch (MediaType(contentType))
        {
            case "application/yaml" or "application/apply-patch+yaml":
                return ParseYaml(bytes);
            case "application/vnd.kubernetes.protobuf":
                return Protobuf.ProtobufBody.Decode(bytes);
            case "application/json" or "" or "*/*":
                return ParseJson(bytes);
            default:
                throw new ApiException(415, "UnsupportedMediaType",
                    "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf");
        }
    }

    public static JsonObject ParseJson(byte[] bytes)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(bytes, documentOptions: JsonOptions);
        }
        catch (JsonException ex)
        {
            throw ApiException.BadRequest($"the body of the request could not be decoded as JSON: {ex.Message}");
        }

        return node as JsonObject ?? throw ApiException.BadRequest("the body of the request must be a JSON object");
    }

    public static JsonObject ParseYaml(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw ApiException.BadRequest($"error converting YAML to JSON: yaml: line {ex.Start.Line}: {ex.Message}");
        }

        if (stream.Documents.Count == 0)
        {
            throw ApiException.BadRequest("the body of the request is empty");
        }

        try
        {
            return YamlToJson(stream.Documents[0].RootNode) as JsonObject ?? throw ApiException.BadRequest("the body of the request must be an object");
        }
        catch (ArgumentException ex)
        {
            throw ApiException.BadRequest($"error converting YAML to JSON: {ex.Message}");
        }
        catch (InvalidCastException)
        {
            throw ApiException.BadRequest("error converting YAML to JSON: mapping keys must be strings");
        }
    }

    public static string MediaType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return "";
        }

        var semicolon = contentType.IndexOf(';');
        return (semicolon < 0 ? contentType : contentType[..semicolon]).Trim().ToLowerInvariant();
    }

    private static JsonNode? YamlToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(p => KeyValuePair.Create(((YamlScalarNode)p.Key).Value ?? "", YamlToJson(p.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(YamlToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    /// <summary>Plain scalars follow the YAML core schema (null, booleans, numbers); quoted ones are strings.</summary>
    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var l))
        {
            return JsonValue.Create(l);
        }

        if (System.Text.RegularExpressions.Regex.IsMatch(value, @"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
            && double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d))
        {
            return JsonValue.Create(d);
        }

        return JsonValue.Create(value);
    }

    private static ApiException TooLarge() => new(413, "RequestEntityTooLarge", $"Request entity too large: limit is {MaxBodyBytes}");
}
