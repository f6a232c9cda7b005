using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Shim.Api.Errors;
using Shim.Api.Json;
using Shim.Api.Resources;
using Shim.Api.Watch;

namespace Shim.Api.Http;

/// <summary>Turns objects into the representation a request negotiated: the object, a Table, or PartialObjectMetadata.</summary>
public sealed class Renderer(ResourceDefinition definition, OutputFormat format, string includeObject, DateTimeOffset now)
{
    private bool _columnsSent;

    public OutputFormat Format => format;

    /// <summary>Validates includeObject (unset, None, Metadata or Object).</summary>
    public static string IncludeObject(string? value) => value switch
    {
        null or "" => "Metadata",
        "None" or "Metadata" or "Object" => value,
        _ => throw ApiException.BadRequest($"Unable to convert to Table as requested: includeObject=\"{value}\" is not supported"),
    };

    public byte[] Single(JsonObject obj) => format.Kind switch
    {
        OutputKind.Table => JsonSerializer.SerializeToUtf8Bytes(Table([obj], new JsonObject { ["resourceVersion"] = obj.Str("metadata", "resourceVersion") })),
        OutputKind.PartialObjectMetadata => JsonSerializer.SerializeToUtf8Bytes(PartialMetadata(obj)),
        _ => JsonSerializer.SerializeToUtf8Bytes(obj),
    };

    public async Task WriteListAsync(HttpResponse response, IReadOnlyList<CachedObject> items, long revision, string? continueToken, long? remaining,
        CancellationToken cancellationToken)
    {
        var listMeta = new JsonObject { ["resourceVersion"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (continueToken is not null)
        {
            listMeta["continue"] = continueToken;
        }

        if (remaining is not null)
        {
            listMeta["remainingItemCount"] = remaining;
        }

        response.ContentType = "application/json";
        if (format.Kind == OutputKind.Table)
        {
            var table = Table(items.Select(i => i.Object).ToList(), listMeta);
            await response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(table), cancellationToken).ConfigureAwait(false);
            return;
        }

        var (kind, apiVersion) = format.Kind == OutputKind.PartialObjectMetadata
            ? ("PartialObjectMetadataList", $"meta.k8s.io/{format.MetaVersion}")
            : (definition.ListKind, definition.ApiVersion);
        var header = $"{{\"kind\":\"{kind}\",\"apiVersion\":\"{apiVersion}\",\"metadata\":{listMeta.ToJsonString()},\"items\":[";
        var body = response.BodyWriter;
        body.Write(Encoding.UTF8.GetBytes(header));
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                body.Write(","u8);
            }

            body.Write(format.Kind == OutputKind.PartialObjectMetadata ? JsonSerializer.SerializeToUtf8Bytes(PartialMetadata(items[i].Object)) : items[i].Json);
            if (i % 256 == 255)
            {
                await body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        body.Write("]}"u8);
        await body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A cached object: plain JSON comes straight from the cache's bytes.</summary>
    public byte[] Single(CachedObject obj) => format.Kind == OutputKind.Object ? obj.Json : Single(obj.Object);

    /// <summary>One watch event line, newline-terminated.</summary>
    public byte[] WatchEvent(WatchEvent e)
    {
        if (format.Kind == OutputKind.Object && e.Type != WatchEventType.Bookmark)
        {
            return e.EncodedJson ??= Encode(e);
        }

        return Encode(e);
    }

    private byte[] Encode(WatchEvent e)
    {
        using var buffer = new MemoryStream();
        buffer.Write("{\"type\":\""u8);
        buffer.Write(Encoding.UTF8.GetBytes(Watch.WatchEvent.Name(e.Type)));
        buffer.Write("\",\"object\":"u8);
        if (e.Type == WatchEventType.Bookmark)
        {
            buffer.Write(Encoding.UTF8.GetBytes(Bookmark(e.Revision, initialEventsEnd: false).ToJsonString()));
        }
        else
        {
            switch (format.Kind)
            {
                case OutputKind.Table:
                    var table = Table([e.Object!.Object], new JsonObject { ["resourceVersion"] = e.Object.Object.Str("metadata", "resourceVersion") });
                    buffer.Write(JsonSerializer.SerializeToUtf8Bytes(table));
                    break;
                case OutputKind.PartialObjectMetadata:
                    buffer.Write(JsonSerializer.SerializeToUtf8Bytes(PartialMetadata(e.Object!.Object)));
                    break;
                default:
                    buffer.Write(e.Object!.Json);
                    break;
            }
        }

        buffer.Write("}\n"u8);
        return buffer.ToArray();
    }

    /// <summary>The BOOKMARK line that ends a WatchList's initial events.</summary>
    public byte[] InitialEventsEnd(long revision) =>
        Encoding.UTF8.GetBytes($"{{\"type\":\"BOOKMARK\",\"object\":{Bookmark(revision, initialEventsEnd: true).ToJsonString()}}}\n");

    private JsonObject Bookmark(long revision, bool initialEventsEnd)
    {
        var meta = new JsonObject { ["resourceVersion"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (initialEventsEnd)
        {
            meta["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        }

        return new JsonObject { ["kind"] = definition.Kind, ["apiVersion"] = definition.ApiVersion, ["metadata"] = meta };
    }

    public static byte[] ErrorEvent(ApiException error) =>
        Encoding.UTF8.GetBytes($"{{\"type\":\"ERROR\",\"object\":{error.ToStatus().ToJsonString()}}}\n");

    private JsonObject PartialMetadata(JsonObject obj) => new()
    {
        ["kind"] = "PartialObjectMetadata",
        ["apiVersion"] = $"meta.k8s.io/{format.MetaVersion}",
        ["metadata"] = obj["metadata"]?.DeepClone(),
    };

    private JsonObject Table(IReadOnlyList<JsonObject> objects, JsonObject listMeta)
    {
        var printer = definition.Printer;
        var columns = new JsonArray();
        if (!_columnsSent)
        {
            foreach (var c in printer.Columns)
            {
                columns.Add(new JsonObject
                {
                    ["name"] = c.Name, ["type"] = c.Type, ["format"] = c.Format, ["description"] = c.Description, ["priority"] = c.Priority,
                });
            }
        }

        // In a watch only the first event carries the column definitions.
        _columnsSent = true;
        var rows = new JsonArray();
        foreach (var obj in objects)
        {
            var cells = new JsonArray(printer.Cells(obj, now).Select(Cell).ToArray());
            var row = new JsonObject { ["cells"] = cells };
            if (printer.Conditions(obj) is { } conditions)
            {
                row["conditions"] = conditions;
            }

            row["object"] = includeObject switch
            {
                "None" => null,
                "Object" => obj.DeepClone(),
                _ => PartialMetadata(obj),
            };
            rows.Add(row);
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = $"meta.k8s.io/{format.MetaVersion}",
            ["metadata"] = listMeta,
            ["columnDefinitions"] = columns,
            ["rows"] = rows,
        };
    }

    private static JsonNode? Cell(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        JsonNode n => n.DeepClone(),
        _ => JsonValue.Create(value.ToString()),
    };
}
