namespace Shim.Api.Validation.Kinds;

/// <summary>
/// A bad value that renders as-is in an error message: composite values (maps, structs, lists) appear as
/// JSON the way upstream prints them since field errors render non-scalar values as JSON.
/// </summary>
public sealed record RawValue(string Text)
{
    public override string ToString() => Text;
}
