using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shim.Model.ApiExtensions.V1;

// The three JSON-schema unions of apiextensions.k8s.io/v1. Their published schemas are empty ({}): the JSON is
// either a schema object or something else (an array, a bool). Written back in the form they were read.

/// <summary>JSONSchemaPropsOrArray: a schema object, or an array of schemas.</summary>
[JsonConverter(typeof(JSONSchemaPropsOrArrayJsonConverter))]
public sealed class JSONSchemaPropsOrArray
{
    public JSONSchemaProps? Schema { get; set; }

    public List<JSONSchemaProps>? JSONSchemas { get; set; }
}

/// <summary>JSONSchemaPropsOrBool: a boolean (allowed or not), or a schema object (which implies allowed).</summary>
[JsonConverter(typeof(JSONSchemaPropsOrBoolJsonConverter))]
public sealed class JSONSchemaPropsOrBool
{
    public bool Allows { get; set; }

    public JSONSchemaProps? Schema { get; set; }
}

/// <summary>JSONSchemaPropsOrStringArray: a schema object, or an array of property names.</summary>
[JsonConverter(typeof(JSONSchemaPropsOrStringArrayJsonConverter))]
public sealed class JSONSchemaPropsOrStringArray
{
    public JSONSchemaProps? Schema { get; set; }

    public List<string>? Property { get; set; }
}

public sealed class JSONSchemaPropsOrArrayJsonConverter : JsonConverter<JSONSchemaPropsOrArray>
{
    public override JSONSchemaPropsOrArray Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.StartObject => new() { Schema = JsonSerializer.Deserialize<JSONSchemaProps>(ref reader, options) },
        JsonTokenType.StartArray => new() { JSONSchemas = JsonSerializer.Deserialize<List<JSONSchemaProps>>(ref reader, options) },
        _ => throw new JsonException("expected a schema object or an array of schemas"),
    };

    public override void Write(Utf8JsonWriter writer, JSONSchemaPropsOrArray value, JsonSerializerOptions options)
    {
        if (value.Schema is not null)
            JsonSerializer.Serialize(writer, value.Schema, options);
        else if (value.JSONSchemas is not null)
            JsonSerializer.Serialize(writer, value.JSONSchemas, options);
        else
            writer.WriteNullValue();
    }
}

public sealed class JSONSchemaPropsOrBoolJsonConverter : JsonConverter<JSONSchemaPropsOrBool>
{
    public override JSONSchemaPropsOrBool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.True => new() { Allows = true },
        JsonTokenType.False => new() { Allows = false },
        JsonTokenType.StartObject => new() { Allows = true, Schema = JsonSerializer.Deserialize<JSONSchemaProps>(ref reader, options) },
        _ => throw new JsonException("expected a boolean or a schema object"),
    };

    public override void Write(Utf8JsonWriter writer, JSONSchemaPropsOrBool value, JsonSerializerOptions options)
    {
        if (value.Schema is not null)
            JsonSerializer.Serialize(writer, value.Schema, options);
        else
            writer.WriteBooleanValue(value.Allows);
    }
}

public sealed class JSONSchemaPropsOrStringArrayJsonConverter : JsonConverter<JSONSchemaPropsOrStringArray>
{
    public override JSONSchemaPropsOrStringArray Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.StartObject => new() { Schema = JsonSerializer.Deserialize<JSONSchemaProps>(ref reader, options) },
        JsonTokenType.StartArray => new() { Property = JsonSerializer.Deserialize<List<string>>(ref reader, options) },
        _ => throw new JsonException("expected a schema object or an array of strings"),
    };

    public override void Write(Utf8JsonWriter writer, JSONSchemaPropsOrStringArray value, JsonSerializerOptions options)
    {
        if (value.Schema is not null)
            JsonSerializer.Serialize(writer, value.Schema, options);
        else if (value.Property is not null)
            JsonSerializer.Serialize(writer, value.Property, options);
        else
            writer.WriteNullValue();
    }
}
