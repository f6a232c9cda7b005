using System.Text.Json;

namespace Shim.Api.Errors;

/// <summary>A field validation error rendered as upstream: "path: Type text: value: detail".</summary>
public sealed record FieldError(string Reason, string Field, string TypeText, object? Value, string? Detail, bool HasValue)
{
    public static FieldError Required(string field, string? detail = null) => new("FieldValueRequired", field, "Required value", null, detail, false);

    public static FieldError Invalid(string field, object? value, string detail) => new("FieldValueInvalid", field, "Invalid value", value, detail, true);

    public static FieldError Forbidden(string field, string detail) => new("FieldValueForbidden", field, "Forbidden", null, detail, false);

    public static FieldError NotSupported(string field, object? value, IEnumerable<string> supported) =>
        new("FieldValueNotSupported", field, "Unsupported value", value, "supported values: " + string.Join(", ", supported.Select(s => $"\"{s}\"")), true);

    public static FieldError TooLong(string field, string detail) => new("FieldValueTooLong", field, "Too long", null, detail, false);

    /// <summary>The message without the field path, as in Status causes.</summary>
    public string CauseMessage
    {
        get
        {
            var text = TypeText;
            if (HasValue)
            {
                text += ": " + RenderValue(Value);
            }

            if (!string.IsNullOrEmpty(Detail))
            {
                text += ": " + Detail;
            }

            return text;
        }
    }

    public override string ToString() => $"{Field}: {CauseMessage}";

    private static string RenderValue(object? value) => value switch
    {
        null => "null",
        string s => JsonSerializer.Serialize(s),
        bool b => b ? "true" : "false",
        _ => value.ToString() ?? "null",
    };
}
