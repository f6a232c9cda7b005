using System.Text.Json;

namespace Shim.Api.Protobuf;

/// <summary>
/// The message schemas generated from upstream generated.proto files (openapi/protobuf/*.json, embedded),
/// loaded once on first use.
/// </summary>
internal sealed class ProtoSchema
{
    private const string ResourcePrefix = "Shim.Api.Protobuf.Schema.";
    internal const string MetaPackage = "k8s.io.apimachinery.pkg.apis.meta.v1";

    private static readonly Lazy<ProtoSchema> Instance = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Dictionary<string, ProtoMessageType> _messages;
    private readonly Dictionary<string, string> _packagesByGroupVersion;

    private ProtoSchema(Dictionary<string, ProtoMessageType> messages, Dictionary<string, string> packagesByGroupVersion)
    {
        _messages = messages;
        _packagesByGroupVersion = packagesByGroupVersion;
    }

    public static ProtoSchema Shared => Instance.Value;

    public IEnumerable<ProtoMessageType> Messages => _messages.Values;

    public ProtoMessageType? Find(string messageName) => _messages.GetValueOrDefault(messageName);

    /// <summary>Proto package registered for an API group/version ("" group = core), or null.</summary>
    public string? PackageFor(string group, string version) => _packagesByGroupVersion.GetValueOrDefault($"{group}/{version}");

    private static ProtoSchema Load()
    {
        var assembly = typeof(ProtoSchema).Assembly;
        var messages = new Dictionary<string, ProtoMessageType>(StringComparer.Ordinal);
        var packages = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"embedded resource {resource} is missing");
            using var doc = JsonDocument.Parse(stream);
            var root = doc.RootElement;
            var package = root.GetProperty("package").GetString()!;
            if (root.TryGetProperty("group", out var group) && root.TryGetProperty("version", out var version))
            {
                packages[$"{group.GetString()}/{version.GetString()}"] = package;
            }

            foreach (var m in root.GetProperty("messages").EnumerateArray())
            {
                var type = ReadMessage(m);
                messages[type.Name] = type;
            }
        }

        if (messages.Count == 0)
        {
            throw new InvalidOperationException("no protobuf schema resources are embedded in " + assembly.GetName().Name);
        }

        return new ProtoSchema(messages, packages);
    }

    private static ProtoMessageType ReadMessage(JsonElement m)
    {
        var name = m.GetProperty("name").GetString()!;
        var sliceAlias = m.TryGetProperty("goKind", out var kind) && kind.GetString() == "slice";
        var fields = new List<ProtoField>();
        foreach (var f in m.GetProperty("fields").EnumerateArray())
        {
            var type = f.GetProperty("type").GetString()!;
            ProtoTypeRef valueType;
            ProtoTypeRef? keyType = null;
            if (type == "map")
            {
                keyType = ProtoTypeRef.Parse(f.GetProperty("keyType").GetString()!);
                valueType = ProtoTypeRef.Parse(f.GetProperty("valueType").GetString()!);
            }
            else
            {
                valueType = ProtoTypeRef.Parse(type);
            }

            var jsonName = f.TryGetProperty("jsonName", out var jn) ? jn.GetString()! : f.GetProperty("name").GetString()!;
            fields.Add(new ProtoField(
                f.GetProperty("number").GetInt32(),
                jsonName,
                valueType,
                keyType,
                Flag(f, "repeated"),
                Flag(f, "inline"),
                Flag(f, "omitEmpty"),
                Flag(f, "omitZero"),
                Flag(f, "pointer")));
        }

        return new ProtoMessageType(name, sliceAlias, fields);
    }

    private static bool Flag(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
}
