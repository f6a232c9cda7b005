using System.Text;
using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>core/v1 ConfigMap: keys, data/binaryData overlap, the 1 MiB limit and immutability.</summary>
public static class ConfigMapValidator
{
    public const int MaxSize = 1024 * 1024;

    public static List<FieldError> Validate(JsonObject obj, JsonObject? old)
    {
        var errors = new List<FieldError>();
        if (old is not null && old.FlagOrNull("immutable") == true)
        {
            if (obj.FlagOrNull("immutable") != true)
            {
                errors.Add(Err.Forbidden("immutable", "field is immutable when `immutable` is set"));
            }

            if (!Js.Same(obj["data"], old["data"]))
            {
                errors.Add(Err.Forbidden("data", "field is immutable when `immutable` is set"));
            }

            if (!Js.Same(obj["binaryData"], old["binaryData"]))
            {
                errors.Add(Err.Forbidden("binaryData", "field is immutable when `immutable` is set"));
            }
        }

        long total = 0;
        var binary = obj.Obj("binaryData");
        foreach (var (key, value) in obj.Obj("data") ?? [])
        {
            Err.InvalidEach(errors, $"data[{key}]", key, Formats.ConfigMapKey(key));
            if (binary?.ContainsKey(key) == true)
            {
                errors.Add(Err.Invalid($"data[{key}]", key, "duplicate of key present in binaryData"));
            }

            total += Encoding.UTF8.GetByteCount(Js.AsText(value) ?? "");
        }

        foreach (var (key, value) in binary ?? [])
        {
            Err.InvalidEach(errors, $"binaryData[{key}]", key, Formats.ConfigMapKey(key));
            total += SecretValidator.DecodedLength(value);
        }

        if (total > MaxSize)
        {
            errors.Add(Err.TooLong("", MaxSize));
        }

        return errors;
    }
}
