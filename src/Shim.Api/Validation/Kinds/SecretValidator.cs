using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>core/v1 Secret: keys, size, type-specific keys, immutable type and data.</summary>
public static class SecretValidator
{
    public static List<FieldError> Validate(JsonObject obj, JsonObject? old)
    {
        var errors = new List<FieldError>();
        var type = obj.TextOrNull("type") is { Length: > 0 } t ? t : "Opaque";
        if (old is not null)
        {
            var oldType = old.TextOrNull("type") is { Length: > 0 } ot ? ot : "Opaque";
            if (type != oldType)
            {
                errors.Add(Err.ImmutableField("type", type));
            }

            if (old.FlagOrNull("immutable") == true)
            {
                if (obj.FlagOrNull("immutable") != true)
                {
                    errors.Add(Err.Forbidden("immutable", "field is immutable when `immutable` is set"));
                }

                if (!Js.Same(Data(obj), Data(old)))
                {
                    errors.Add(Err.Forbidden("data", "field is immutable when `immutable` is set"));
                }
            }
        }

        var data = Data(obj);
        long total = 0;
        foreach (var (key, value) in data)
        {
            Err.InvalidEach(errors, $"data[{key}]", key, Formats.ConfigMapKey(key));
            total += DecodedLength(value);
        }

        if (total > ConfigMapValidator.MaxSize)
        {
            errors.Add(Err.TooLong("data", ConfigMapValidator.MaxSize));
        }

        switch (type)
        {
            case "kubernetes.io/service-account-token":
                if (obj.Obj("metadata").Obj("annotations").Text("kubernetes.io/service-account.name").Length == 0)
                {
                    errors.Add(Err.Required("metadata.annotations[kubernetes.io/service-account.name]"));
                }

                break;
            case "kubernetes.io/dockercfg":
                JsonKey(data, ".dockercfg", errors);
                break;
            case "kubernetes.io/dockerconfigjson":
                JsonKey(data, ".dockerconfigjson", errors);
                break;
            case "kubernetes.io/basic-auth":
                if (!data.ContainsKey("username") && !data.ContainsKey("password"))
                {
                    errors.Add(Err.Required("data[username]"));
                    errors.Add(Err.Required("data[password]"));
                }

                break;
            case "kubernetes.io/ssh-auth":
                if (!data.TryGetPropertyValue("ssh-privatekey", out var key) || DecodedLength(key) == 0)
                {
                    errors.Add(Err.Required("data[ssh-privatekey]"));
                }

                break;
            case "kubernetes.io/tls":
                if (!data.ContainsKey("tls.crt"))
                {
                    errors.Add(Err.Required("data[tls.crt]"));
                }

                if (!data.ContainsKey("tls.key"))
                {
                    errors.Add(Err.Required("data[tls.key]"));
                }

                break;
        }

        return errors;
    }

    /// <summary>data merged with stringData (as conversion does before validation); stringData values are raw text.</summary>
    private static JsonObject Data(JsonObject obj)
    {
        var data = Js.Clone(obj.Obj("data"));
        foreach (var (key, value) in obj.Obj("stringData") ?? [])
        {
            data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(Js.AsText(value) ?? ""));
        }

        return data;
    }

    private static void JsonKey(JsonObject data, string key, List<FieldError> errors)
    {
        if (!data.TryGetPropertyValue(key, out var value))
        {
            errors.Add(Err.Required($"data[{key}]"));
            return;
        }

        try
        {
            using var doc = JsonDocument.Parse(Decode(value));
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                errors.Add(Err.Invalid($"data[{key}]", "<secret contents redacted>", "json: cannot unmarshal " + Kind(doc.RootElement.ValueKind) + " into Go value of type map[string]interface {}"));
            }
        }
        catch (JsonException ex)
        {
            errors.Add(Err.Invalid($"data[{key}]", "<secret contents redacted>", ex.Message));
        }
    }

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        _ => "null",
    };

    public static byte[] Decode(JsonNode? value)
    {
        var text = Js.AsText(value) ?? "";
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return Encoding.UTF8.GetBytes(text);
        }
    }

    public static long DecodedLength(JsonNode? value) => Decode(value).LongLength;
}
