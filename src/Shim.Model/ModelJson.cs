using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shim.Model;

/// <summary>Serializer options for the model: exact (case-sensitive) schema names, absent stays absent.</summary>
public static class ModelJson
{
    /// <summary>
    /// Names come from each property's [JsonPropertyName] (the schema's names); null properties are omitted, so a
    /// field absent on input is absent on output. Non-ASCII text is written as UTF-8 rather than escaped.
    /// Use these options (not the defaults) for model types: times in maps rely on the converter registered here.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = Create();

    public static T? Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options);

    public static T? Deserialize<T>(ReadOnlySpan<byte> utf8Json) => JsonSerializer.Deserialize<T>(utf8Json, Options);

    public static object? Deserialize(string json, Type type) => JsonSerializer.Deserialize(json, type, Options);

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static string Serialize(object value, Type type) => JsonSerializer.Serialize(value, type, Options);

    /// <summary>The generated type for an object's apiVersion/kind, or null when the kind is not in the model.</summary>
    public static Type? TypeFor(string apiVersion, string kind)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var gvk = slash < 0 ? new GroupVersionKind("", apiVersion, kind) : new GroupVersionKind(apiVersion[..slash], apiVersion[(slash + 1)..], kind);
        return KnownKinds.Types.GetValueOrDefault(gvk);
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            PropertyNameCaseInsensitive = false,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        // Times inside maps and lists (e.g. PodDisruptionBudgetStatus.disruptedPods) cannot carry a property
        // attribute: DateTimeOffset defaults to the metav1.Time form. MicroTime properties override it.
        options.Converters.Add(new TimeJsonConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
