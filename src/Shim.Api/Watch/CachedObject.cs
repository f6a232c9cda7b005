using System.Text.Json;
using System.Text.Json.Nodes;
using Shim.Api.Json;

namespace Shim.Api.Watch;

/// <summary>
/// An object as the watch cache holds it: parsed (never mutated after construction; clone before changing),
/// pre-serialized for responses, with its labels ready for selector matching.
/// </summary>
public sealed class CachedObject
{
    private CachedObject(string key, long revision, JsonObject obj)
    {
        Key = key;
        Revision = revision;
        Object = obj;
        Json = JsonSerializer.SerializeToUtf8Bytes(obj);
        Labels = obj.At("metadata", "labels").StringMap();
        Name = obj.Str("metadata", "name") ?? "";
        Namespace = obj.Str("metadata", "namespace");
    }

    public string Key { get; }
    public long Revision { get; }
    public JsonObject Object { get; }
    public byte[] Json { get; }
    public IReadOnlyDictionary<string, string> Labels { get; }
    public string Name { get; }
    public string? Namespace { get; }

    /// <summary>Decodes stored bytes and stamps metadata.resourceVersion with the revision.</summary>
    public static CachedObject FromStored(string key, byte[] value, long revision)
    {
        var obj = JsonNode.Parse(value) as JsonObject ?? throw new InvalidDataException($"stored value at {key} is not a JSON object");
        obj.Metadata()["resourceVersion"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new CachedObject(key, revision, obj);
    }

    /// <summary>The same object as of a later revision (a deletion's DELETED event carries the deletion revision).</summary>
    public CachedObject AtRevision(long revision)
    {
        var copy = (JsonObject)Object.DeepClone();
        copy.Metadata()["resourceVersion"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new CachedObject(Key, revision, copy);
    }
}
