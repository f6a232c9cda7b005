using System.Text.Json.Nodes;
using Shim.Api.Patching;

namespace Shim.Api.Schema;

/// <summary>
/// One place in a schema: the declaration as written at its parent (which carries list and patch metadata)
/// and the schema it resolves to (which carries properties, items and the type).
/// </summary>
public sealed class SchemaNode : IPatchSchema
{
    private readonly SchemaRegistry _registry;

    internal SchemaNode(SchemaRegistry registry, JsonObject declaration)
    {
        _registry = registry;
        Declaration = declaration;
        Resolved = registry.Resolve(declaration);
    }

    public JsonObject Declaration { get; }
    public JsonObject Resolved { get; }

    /// <summary>The component name this node refers to (e.g. io.k8s.api.core.v1.PodSpec), if any.</summary>
    public string? TypeName => SchemaRegistry.ReferenceName(Declaration);

    public string? Type => Resolved["type"]?.ToString();

    /// <summary>Objects with declared properties; maps (additionalProperties) and free-form objects are not.</summary>
    public bool HasProperties => Resolved["properties"] is JsonObject;

    public bool PreservesUnknownFields =>
        Resolved["x-kubernetes-preserve-unknown-fields"]?.GetValueKind() == System.Text.Json.JsonValueKind.True
        || (Type == "object" && !HasProperties && Resolved["additionalProperties"] is null);

    public IEnumerable<string> PropertyNames => (Resolved["properties"] as JsonObject)?.Select(p => p.Key) ?? [];

    public IReadOnlyList<string> Required => (Resolved["required"] as JsonArray)?.Select(r => r!.ToString()).ToList() ?? [];

    public string? PatchStrategy => Extension("x-kubernetes-patch-strategy");
    public string? PatchMergeKey => Extension("x-kubernetes-patch-merge-key");
    public string? ListType => Extension("x-kubernetes-list-type");
    public string? MapType => Extension("x-kubernetes-map-type");

    public IReadOnlyList<string> ListMapKeys =>
        (Declaration["x-kubernetes-list-map-keys"] ?? Resolved["x-kubernetes-list-map-keys"]) is JsonArray keys ? keys.Select(k => k!.ToString()).ToList() : [];

    public SchemaNode? Items => Resolved["items"] is JsonObject items ? new SchemaNode(_registry, items) : null;

    IPatchSchema? IPatchSchema.Items => Items;

    /// <summary>A declared property, or the value schema of a map.</summary>
    public SchemaNode? Property(string name)
    {
        if (Resolved["properties"] is JsonObject properties)
        {
            return properties[name] is JsonObject declared ? new SchemaNode(_registry, declared) : null;
        }

        return Resolved["additionalProperties"] is JsonObject values ? new SchemaNode(_registry, values) : null;
    }

    IPatchSchema? IPatchSchema.Property(string name) => Property(name);

    private string? Extension(string name) => (Declaration[name] ?? Resolved[name])?.ToString();
}
