using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Shim.SchemaGen;

/// <summary>
/// Turns the OpenAPI v3 component schemas in openapi/schema into C# classes: one file per API package, one
/// sealed partial class per object schema. Output depends only on the input files (ordinal ordering, "\n" line
/// ends), so regenerating from the same schemas gives the same bytes.
/// </summary>
public static class ModelGenerator
{
    public const string GeneratorName = "tools/Shim.SchemaGen";
    private const string RefPrefix = "#/components/schemas/";
    private const string ExtensionDataName = "UnknownFields";
    private const string GvkMemberName = "GroupVersionKind";
    private const string JsonElementType = "global::System.Text.Json.JsonElement";

    /// <summary>How a schema that is not a plain object maps to C# (value types get "?" as properties).</summary>
    /// <summary>
    /// A C# type for a schema. <paramref name="Converter"/> goes on properties of this type; in lists and maps,
    /// where no attribute can go, only types that ModelJson.Options converts by default are allowed.
    /// </summary>
    private sealed record CsType(string Name, bool IsValueType, string? Converter = null, bool OptionsConvert = false);

    // Schemas whose JSON is not an object with properties, and what stands for them in C#.
    private static readonly Dictionary<string, CsType> Special = new(StringComparer.Ordinal)
    {
        ["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] = new("global::Shim.Model.IntOrString", true),
        ["io.k8s.apimachinery.pkg.api.resource.Quantity"] = new("global::Shim.Model.Quantity", true),
        ["io.k8s.apimachinery.pkg.apis.meta.v1.Time"] = new("global::System.DateTimeOffset", true, "global::Shim.Model.TimeJsonConverter", OptionsConvert: true),
        ["io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime"] = new("global::System.DateTimeOffset", true, "global::Shim.Model.MicroTimeJsonConverter"),
        ["io.k8s.apimachinery.pkg.apis.meta.v1.Duration"] = new("string", false),
        // Arbitrary JSON objects/values: kept verbatim.
        ["io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1"] = new(JsonElementType, true),
        ["io.k8s.apimachinery.pkg.runtime.RawExtension"] = new(JsonElementType, true),
        ["io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON"] = new(JsonElementType, true),
        // Hand-written unions (src/Shim.Model/ApiExtensionsUnions.cs).
        ["io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray"] = new("global::Shim.Model.ApiExtensions.V1.JSONSchemaPropsOrArray", false),
        ["io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool"] = new("global::Shim.Model.ApiExtensions.V1.JSONSchemaPropsOrBool", false),
        ["io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray"] = new("global::Shim.Model.ApiExtensions.V1.JSONSchemaPropsOrStringArray", false),
    };

    /// <summary>Generated files by name (e.g. "Core.V1.g.cs") for the schema files in <paramref name="schemaDir"/>.</summary>
    public static SortedDictionary<string, string> Generate(string schemaDir)
    {
        var schemas = new SortedDictionary<string, (JsonElement Schema, string File)>(StringComparer.Ordinal);
        foreach (var path in Directory.GetFiles(schemaDir, "io.k8s.*.json").Order(StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            foreach (var s in doc.RootElement.GetProperty("schemas").EnumerateObject())
                schemas.Add(s.Name, (s.Value.Clone(), Path.GetFileName(path)));
        }

        var byNamespace = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, (schema, _)) in schemas)
        {
            if (Special.ContainsKey(name))
                continue;
            if (!IsObjectSchema(schema))
                throw new InvalidOperationException($"{name}: not an object schema and not in the special-type table");
            var ns = NamespaceOf(name) ?? throw new InvalidOperationException($"{name}: no C# namespace for its package");
            if (!byNamespace.TryGetValue(ns, out var list))
                byNamespace[ns] = list = [];
            list.Add(name);
        }

        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var kinds = new List<(string Group, string Version, string Kind, string Type)>();
        foreach (var (ns, names) in byNamespace)
        {
            var sources = names.Select(n => schemas[n].File).Distinct().Order(StringComparer.Ordinal);
            var sb = new StringBuilder();
            Header(sb, $"openapi/schema/{string.Join(", openapi/schema/", sources)}");
            sb.Append("namespace ").Append(ns).Append(";\n");
            foreach (var name in names)
                WriteClass(sb, name, schemas[name].Schema, schemas, kinds);
            files[ns["Shim.Model.".Length..] + ".g.cs"] = sb.ToString();
        }

        files["KnownKinds.g.cs"] = KnownKindsFile(kinds);
        return files;
    }

    private static void Header(StringBuilder sb, string source)
    {
        sb.Append("// <auto-generated/>\n");
        sb.Append("// Generated by ").Append(GeneratorName).Append(" from ").Append(source).Append(". Do not edit.\n");
        // Files marked auto-generated are nullable-oblivious unless they opt in.
        sb.Append("#nullable enable\n\n");
    }

    private static bool IsObjectSchema(JsonElement s) =>
        s.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "object"
        && !s.TryGetProperty("additionalProperties", out _);

    private static string? NamespaceOf(string schemaName)
    {
        var prefix = schemaName[..schemaName.LastIndexOf('.')];
        return prefix switch
        {
            "io.k8s.apimachinery.pkg.apis.meta.v1" => "Shim.Model.Meta.V1",
            "io.k8s.apimachinery.pkg.runtime" => "Shim.Model.Runtime",
            "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1" => "Shim.Model.ApiExtensions.V1",
            _ when prefix.StartsWith("io.k8s.api.", StringComparison.Ordinal) =>
                "Shim.Model." + string.Join('.', prefix["io.k8s.api.".Length..].Split('.').Select(Pascal)),
            _ => null,
        };
    }

    private static string TypeNameOf(string schemaName) => schemaName[(schemaName.LastIndexOf('.') + 1)..];

    private static string Pascal(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    /// <summary>"podIP" -> "PodIP", "$ref" -> "Ref", "x-kubernetes-list-type" -> "XKubernetesListType".</summary>
    private static string PropertyName(string jsonName)
    {
        var name = string.Concat(jsonName.TrimStart('$').Split('-', StringSplitOptions.RemoveEmptyEntries).Select(Pascal));
        if (name.Length == 0 || !char.IsLetter(name[0]) || !name.All(c => char.IsLetterOrDigit(c) || c == '_'))
            throw new InvalidOperationException($"property '{jsonName}' has no C# identifier");
        return name;
    }

    private static CsType TypeOf(JsonElement s, IReadOnlyDictionary<string, (JsonElement Schema, string File)> schemas, string context)
    {
        if (s.TryGetProperty("allOf", out var allOf))
        {
            if (allOf.GetArrayLength() != 1 || !allOf[0].TryGetProperty("$ref", out _))
                throw new InvalidOperationException($"{context}: allOf other than a wrapped $ref");
            return TypeOf(allOf[0], schemas, context);
        }

        if (s.TryGetProperty("$ref", out var r))
        {
            var target = r.GetString()!;
            if (!target.StartsWith(RefPrefix, StringComparison.Ordinal))
                throw new InvalidOperationException($"{context}: unexpected $ref {target}");
            target = target[RefPrefix.Length..];
            if (Special.TryGetValue(target, out var special))
                return special;
            if (!schemas.ContainsKey(target))
                throw new InvalidOperationException($"{context}: $ref to unknown schema {target}");
            return new CsType($"global::{NamespaceOf(target)}.{TypeNameOf(target)}", false);
        }

        if (!s.TryGetProperty("type", out var typeElement))
            return new CsType(JsonElementType, true); // {}: any JSON value

        var format = s.TryGetProperty("format", out var f) ? f.GetString() : null;
        switch (typeElement.GetString())
        {
            case "string":
                return format == "byte" ? new CsType("byte[]", false) : new CsType("string", false);
            case "integer":
                return format == "int32" ? new CsType("int", true) : new CsType("long", true);
            case "number":
                return format == "float" ? new CsType("float", true) : new CsType("double", true);
            case "boolean":
                return new CsType("bool", true);
            case "array":
            {
                var item = TypeOf(s.GetProperty("items"), schemas, context + "[]");
                if (item.Converter is not null && !item.OptionsConvert)
                    throw new InvalidOperationException($"{context}: list of a type that needs a property converter");
                return new CsType($"global::System.Collections.Generic.List<{item.Name}>", false);
            }
            case "object":
            {
                if (!s.TryGetProperty("additionalProperties", out var ap) || ap.ValueKind != JsonValueKind.Object)
                    return new CsType(JsonElementType, true);
                var value = TypeOf(ap, schemas, context + "{}");
                if (value.Converter is not null && !value.OptionsConvert)
                    throw new InvalidOperationException($"{context}: map of a type that needs a property converter");
                return new CsType($"global::System.Collections.Generic.Dictionary<string, {value.Name}>", false);
            }
            default:
                throw new InvalidOperationException($"{context}: unsupported type {typeElement}");
        }
    }

    private static void WriteClass(StringBuilder sb, string name, JsonElement schema,
        IReadOnlyDictionary<string, (JsonElement Schema, string File)> schemas, List<(string, string, string, string)> kinds)
    {
        var className = TypeNameOf(name);
        var fullName = $"global::{NamespaceOf(name)}.{className}";
        var props = schema.TryGetProperty("properties", out var p)
            ? p.EnumerateObject().Select(x => (Json: x.Name, Schema: x.Value)).ToList()
            : [];
        // apiVersion, kind and metadata first (as objects are usually written), the rest by name.
        string[] leading = ["apiVersion", "kind", "metadata"];
        props = props.OrderBy(x => Array.IndexOf(leading, x.Json) is var i && i >= 0 ? i : leading.Length)
            .ThenBy(x => x.Json, StringComparer.Ordinal).ToList();

        var gvks = new List<(string Group, string Version, string Kind)>();
        if (schema.TryGetProperty("x-kubernetes-group-version-kind", out var gvkList))
        {
            foreach (var g in gvkList.EnumerateArray())
                gvks.Add((g.GetProperty("group").GetString()!, g.GetProperty("version").GetString()!, g.GetProperty("kind").GetString()!));
        }
        foreach (var (g, v, k) in gvks)
            kinds.Add((g, v, k, fullName));

        bool IsString(string json) => props.Any(x => x.Json == json && x.Schema.TryGetProperty("type", out var t) && t.GetString() == "string");
        var interfaces = new List<string>();
        if (IsString("apiVersion") && IsString("kind"))
            interfaces.Add(gvks.Count == 1 ? "global::Shim.Model.IKubernetesKind" : "global::Shim.Model.IKubernetesObject");
        if (props.Any(x => x.Json == "metadata" && TypeOf(x.Schema, schemas, name).Name == "global::Shim.Model.Meta.V1.ObjectMeta"))
            interfaces.Add("global::Shim.Model.IMetadataObject");

        sb.Append('\n');
        sb.Append("/// <summary>Schema <c>").Append(name).Append("</c>.</summary>\n");
        sb.Append("public sealed partial class ").Append(className);
        if (interfaces.Count > 0)
            sb.Append(" : ").Append(string.Join(", ", interfaces));
        sb.Append("\n{\n");

        var used = new HashSet<string>(StringComparer.Ordinal) { className };
        if (gvks.Count == 1 && interfaces.Contains("global::Shim.Model.IKubernetesKind"))
        {
            var (g, v, k) = gvks[0];
            sb.Append("    public static global::Shim.Model.GroupVersionKind ").Append(GvkMemberName)
                .Append(" { get; } = new(").Append(Literal(g)).Append(", ").Append(Literal(v)).Append(", ").Append(Literal(k)).Append(");\n\n");
            used.Add(GvkMemberName);
        }

        var reserved = new HashSet<string>(StringComparer.Ordinal) { className, ExtensionDataName, GvkMemberName };
        foreach (var (json, propSchema) in props)
        {
            var propName = PropertyName(json);
            if (reserved.Contains(propName))
                propName += "Value"; // C# forbids a member named like its class; the other two names are ours
            if (!used.Add(propName))
                throw new InvalidOperationException($"{name}: two properties map to the C# name {propName}");
            var type = TypeOf(propSchema, schemas, $"{name}.{json}");
            sb.Append("    [global::System.Text.Json.Serialization.JsonPropertyName(").Append(Literal(json)).Append(")]\n");
            if (type.Converter is not null)
                sb.Append("    [global::System.Text.Json.Serialization.JsonConverter(typeof(").Append(type.Converter).Append("))]\n");
            sb.Append("    public ").Append(type.Name).Append("? ").Append(propName).Append(" { get; set; }\n\n");
        }

        // Fields this model does not know (newer API versions, extensions) survive a read/write round trip.
        sb.Append("    [global::System.Text.Json.Serialization.JsonExtensionData]\n");
        sb.Append("    public global::System.Collections.Generic.Dictionary<string, ").Append(JsonElementType).Append(">? ")
            .Append(ExtensionDataName).Append(" { get; set; }\n");
        sb.Append("}\n");
    }

    private static string KnownKindsFile(List<(string Group, string Version, string Kind, string Type)> kinds)
    {
        var sb = new StringBuilder();
        Header(sb, "the x-kubernetes-group-version-kind of openapi/schema/*.json");
        sb.Append("namespace Shim.Model;\n\n");
        sb.Append("/// <summary>The generated type registered for each group/version/kind.</summary>\n");
        sb.Append("public static partial class KnownKinds\n{\n");
        sb.Append("    public static global::System.Collections.Generic.IReadOnlyDictionary<global::Shim.Model.GroupVersionKind, global::System.Type> Types { get; } =\n");
        sb.Append("        new global::System.Collections.Generic.Dictionary<global::Shim.Model.GroupVersionKind, global::System.Type>\n        {\n");
        foreach (var (g, v, k, t) in kinds.OrderBy(x => x.Group, StringComparer.Ordinal).ThenBy(x => x.Version, StringComparer.Ordinal)
                     .ThenBy(x => x.Kind, StringComparer.Ordinal))
        {
            sb.Append("            [new(").Append(Literal(g)).Append(", ").Append(Literal(v)).Append(", ").Append(Literal(k))
                .Append(")] = typeof(").Append(t).Append("),\n");
        }
        sb.Append("        };\n}\n");
        return sb.ToString();
    }

    private static string Literal(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                _ when c < ' ' || c > '~' => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }
        return sb.Append('"').ToString();
    }
}
