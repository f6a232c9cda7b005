using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>Field error constructors for the error types FieldError has no factory for, plus shared upstream texts.</summary>
public static class Err
{
    public const string Immutable = "field is immutable";
    public const string NonNegativeMessage = "must be greater than or equal to 0";

    public static FieldError Required(string field, string? detail = null) =>
        FieldError.Required(field, string.IsNullOrEmpty(detail) ? null : detail);

    public static FieldError Invalid(string field, object? value, string detail) => FieldError.Invalid(field, value, detail);

    public static FieldError Forbidden(string field, string detail) => FieldError.Forbidden(field, detail);

    public static FieldError NotSupported(string field, object? value, params string[] supported) =>
        supported.Length == 0
            ? new FieldError("FieldValueNotSupported", field, "Unsupported value", value, null, true)
            : FieldError.NotSupported(field, value, supported);

    public static FieldError Duplicate(string field, object? value) =>
        new("FieldValueDuplicate", field, "Duplicate value", value, null, true);

    public static FieldError Duplicate(string field, object? value, string detail) =>
        new("FieldValueDuplicate", field, "Duplicate value", value, detail, true);

    public static FieldError NotFound(string field, object? value, string? detail = null) =>
        new("FieldValueNotFound", field, "Not found", value, detail, true);

    public static FieldError TooMany(string field, int actual, int max) =>
        new("FieldValueTooMany", field, "Too many", (long)actual, $"must have at most {max} items", true);

    /// <summary>"Too long: may not be more than N bytes" (the value is never shown).</summary>
    public static FieldError TooLong(string field, long max) =>
        FieldError.TooLong(field, $"may not be more than {max} {(max == 1 ? "byte" : "bytes")}");

    /// <summary>"Too long: may not be longer than N" (field.TooLongMaxLength).</summary>
    public static FieldError TooLongMaxLength(string field, long max) => FieldError.TooLong(field, $"may not be longer than {max}");

    public static FieldError ImmutableField(string field, object? value) => FieldError.Invalid(field, value, Immutable);

    /// <summary>apimachinery ValidateNonnegativeField.</summary>
    public static void NonNegative(List<FieldError> errors, string field, long? value)
    {
        if (value is < 0)
        {
            errors.Add(FieldError.Invalid(field, value.Value, NonNegativeMessage));
        }
    }

    public static void InvalidEach(List<FieldError> errors, string field, object? value, IEnumerable<string> problems)
    {
        foreach (var problem in problems)
        {
            errors.Add(FieldError.Invalid(field, value, problem));
        }
    }
}
