using System.Collections.Frozen;
using System.Text.Json.Nodes;

namespace Shim.Api.Schema;

/// <summary>
/// The OpenAPI v3 component schemas of every served type, as generated into openapi/schema and embedded here.
/// The one source for served OpenAPI documents, explain, unknown-field checks and patch metadata.
/// </summary>
public sealed class SchemaRegistry
{
    private const string RefPrefix = "#/components/schemas/";
    private static readonly Lazy<SchemaRegistry> Shared = new(Load);
    private readonly FrozenDictionary<string, JsonObject> _schemas;
    private readonly FrozenDictionary<(string Group, string Version, string Kind), string> _byKind;

    private SchemaRegistry(Dictionary<string, JsonObject> schemas)
    {
        _schemas = schemas.ToFrozenDictionary(StringComparer.Ordinal);
        var byKind = new Dictionary<(string, string, string), string>();
        foreach (var (name, schema) in schemas)
        {
            if (schema["x-kubernetes-group-version-kind"] is JsonArray gvks)
            {
                foreach (var gvk in gvks.OfType<JsonObject>())
                {
                    byKind.TryAdd((gvk["group"]?.ToString() ?? "", gvk["version"]?.ToString() ?? "", gvk["kind"]?.ToString() ?? ""), name);
                }
            }
        }

        _byKind = byKind.ToFrozenDictionary();
    }

    public static SchemaRegistry Instance => Shared.Value;

    public IEnumerable<KeyValuePair<string, JsonObject>> All => _schemas;

    public JsonObject? Get(string name) => _schemas.GetValueOrDefault(name);

    public string? NameOf(string group, string version, string kind) => _byKind.GetValueOrDefault((group, version, kind));

    /// <summary>The schema of a kind as a navigable node, or null for kinds without one (custom resources).</summary>
    public SchemaNode? ForKind(string group, string version, string kind) =>
        NameOf(group, version, kind) is { } name ? new SchemaNode(this, new JsonObject { ["$ref"] = RefPrefix + name }) : null;

    /// <summary>Follows $ref and the allOf:[{$ref}] wrapping upstream uses for references with siblings.</summary>
    internal JsonObject Resolve(JsonObject declaration)
    {
        var current = declaration;
        for (var depth = 0; depth < 8; depth++)
        {
            var reference = current["$ref"]?.ToString()
                ?? (current["allOf"] is JsonArray { Count: 1 } allOf ? allOf[0]?["$ref"]?.ToString() : null);
            if (reference is null || !reference.StartsWith(RefPrefix, StringComparison.Ordinal) || Get(reference[RefPrefix.Length..]) is not { } target)
            {
                return current;
            }

            current = target;
        }

        return current;
    }

    /// <summary>The referenced schema's name of a declaration, if it is a reference.</summary>
    internal static string? ReferenceName(JsonObject declaration)
    {
        var reference = declaration["$ref"]?.ToString() ?? (declaration["allOf"] is JsonArray { Count: 1 } allOf ? allOf[0]?["$ref"]?.ToString() : null);
        return reference is not null && reference.StartsWith(RefPrefix, StringComparison.Ordinal) ? reference[RefPrefix.Length..] : null;
    }

    private static SchemaRegistry Load()
    {
        var assembly = typeof(SchemaRegistry).Assembly;
        var schemas = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("Shim.Api.Schema.", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            var document = JsonNode.Parse(stream)!.AsObject();
            foreach (var (name, schema) in document["schemas"]!.AsObject())
            {
                schemas[name] = schema!.AsObject();
            }
        }

        return new SchemaRegistry(schemas);
    }
}
