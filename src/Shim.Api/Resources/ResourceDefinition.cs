using System.Text.Json.Nodes;
using Shim.Api.Validation;
using Shim.Printing;

namespace Shim.Api.Resources;

/// <summary>
/// The per-kind strategy plugged into the generic REST handlers: identity, scope, discovery facts,
/// subresources and the small hooks in which kinds differ.
/// </summary>
public sealed class ResourceDefinition
{
    private ITablePrinter? _printer;
    private Lazy<Schema.SchemaNode?>? _schema;

    public required string Group { get; init; }
    public required string Version { get; init; }
    public required string Resource { get; init; }
    public required string Kind { get; init; }
    public required bool Namespaced { get; init; }
    public IReadOnlyList<string> ShortNames { get; init; } = [];
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>The kind has a /status subresource: the main resource ignores status, /status ignores the rest.</summary>
    public bool HasStatus { get; init; }

    public ScaleDefinition? Scale { get; init; }
    public NameRule NameRule { get; init; } = NameRule.Dns1123Subdomain;
    public int? MaxNameLength { get; init; }

    /// <summary>metadata.generation is bumped when anything outside metadata and status changes.</summary>
    public bool TracksGeneration { get; init; }

    /// <summary>Status is cleared on create (most kinds with a status subresource; not nodes).</summary>
    public bool ResetStatusOnCreate { get; init; }

    /// <summary>DELETE answers with the object's last state rather than a Success Status.</summary>
    public bool ReturnDeletedObject { get; init; }

    /// <summary>Field selector labels beyond metadata.name and metadata.namespace.</summary>
    public IReadOnlyDictionary<string, Func<JsonObject, string?>> FieldLabels { get; init; } = new Dictionary<string, Func<JsonObject, string?>>();

    /// <summary>Kind-specific initialisation on create (after common metadata is set).</summary>
    public Action<JsonObject>? PrepareForCreate { get; init; }

    /// <summary>Kind-specific preparation of a main-resource update (new object, stored object), before defaulting and validation.</summary>
    public Action<JsonObject, JsonObject>? PrepareForUpdate { get; init; }

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
    public string ListKind => Kind + "List";
    public string SingularName => Kind.ToLowerInvariant();
    public string GroupResource => Group.Length == 0 ? Resource : $"{Resource}.{Group}";

    /// <summary>Storage keys: /group/resource/[namespace/]name (core group spelled "core").</summary>
    public string KeyPrefix => $"/{(Group.Length == 0 ? "core" : Group)}/{Resource}/";

    public IReadOnlyList<string> Verbs { get; init; } = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public ITablePrinter Printer => _printer ??= TablePrinters.For(Group, Kind);

    /// <summary>The kind's schema from openapi/schema, looked up once; null for kinds without one.</summary>
    public Schema.SchemaNode? Schema => (_schema ??= new Lazy<Schema.SchemaNode?>(() => Shim.Api.Schema.SchemaRegistry.Instance.ForKind(Group, Version, Kind))).Value;

    public string Key(string? ns, string name) => Namespaced ? $"{KeyPrefix}{ns}/{name}" : KeyPrefix + name;

    /// <summary>The key prefix holding one namespace's objects (or all objects when <paramref name="ns"/> is null).</summary>
    public string NamespacePrefix(string? ns) => Namespaced && ns is not null ? $"{KeyPrefix}{ns}/" : KeyPrefix;
}
