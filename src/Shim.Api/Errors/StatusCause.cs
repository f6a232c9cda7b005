namespace Shim.Api.Errors;

/// <summary>One entry of Status.details.causes: reason (e.g. FieldValueInvalid), message without the field path, field path.</summary>
public sealed record StatusCause(string Reason, string Message, string? Field);
