using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shim.Api.Defaulting;

/// <summary>
/// The few field operations defaulting needs, with Go's notion of "unset": a pointer field is unset when absent or
/// null; a plain string when absent, null or ""; a plain number when absent, null or 0. A value of the wrong JSON
/// type is left alone (decoding rejects it), never overwritten.
/// </summary>
internal static class Fields
{
    /// <summary>The object at <paramref name="key"/>, or null when absent or not an object.</summary>
    public static JsonObject? Obj(JsonObject? parent, string key) => parent?[key] as JsonObject;

    /// <summary>
    /// The object at <paramref name="key"/> of a non-pointer struct field, created when absent or null (Go always
    /// has the struct, so its defaults always apply); null when something other than an object is there.
    /// </summary>
    public static JsonObject? Struct(JsonObject parent, string key)
    {
        var node = parent[key];
        if (node is JsonObject o)
        {
            return o;
        }

        if (node is not null)
        {
            return null;
        }

        var created = new JsonObject();
        parent[key] = created;
        return created;
    }

    /// <summary>The object elements of the array at <paramref name="key"/> (none when absent or not an array).</summary>
    public static IEnumerable<JsonObject> Items(JsonObject? parent, string key) =>
        parent?[key] is JsonArray a ? a.OfType<JsonObject>().ToList() : [];

    public static string? Str(JsonObject? parent, string key) =>
        parent?[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static bool IsTrue(JsonObject? parent, string key) =>
        parent?[key] is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    /// <summary>Absent or JSON null: an unset pointer.</summary>
    public static bool IsNull(JsonObject parent, string key) => parent[key] is null;

    /// <summary>Absent, null or "": an unset string.</summary>
    public static bool IsEmptyString(JsonObject parent, string key) => parent[key] switch
    {
        null => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Length == 0,
        _ => false,
    };

    /// <summary>Absent, null or 0: an unset number.</summary>
    public static bool IsZero(JsonObject parent, string key) => parent[key] switch
    {
        null => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number =>
            double.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) && d == 0,
        _ => false,
    };

    /// <summary>A non-empty JSON object (a non-empty Go map).</summary>
    public static bool IsNonEmptyObject(JsonNode? node) => node is JsonObject { Count: > 0 };

    /// <summary>A non-empty JSON array (a non-empty Go slice).</summary>
    public static bool IsNonEmptyArray(JsonNode? node) => node is JsonArray { Count: > 0 };

    public static void DefaultString(JsonObject parent, string key, string value)
    {
        if (IsEmptyString(parent, key))
        {
            parent[key] = value;
        }
    }

    public static void DefaultNumber(JsonObject parent, string key, long value)
    {
        if (IsZero(parent, key))
        {
            parent[key] = value;
        }
    }

    /// <summary>Sets a pointer field when it is unset.</summary>
    public static void DefaultPointer(JsonObject parent, string key, Func<JsonNode> value)
    {
        if (IsNull(parent, key))
        {
            parent[key] = value();
        }
    }

    public static void DefaultPointer(JsonObject parent, string key, string value) => DefaultPointer(parent, key, () => JsonValue.Create(value));

    public static void DefaultPointer(JsonObject parent, string key, long value) => DefaultPointer(parent, key, () => JsonValue.Create(value));

    public static void DefaultPointer(JsonObject parent, string key, bool value) => DefaultPointer(parent, key, () => JsonValue.Create(value));
}
