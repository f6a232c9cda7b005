namespace Shim.Api.Selectors;

/// <summary>One term of a field selector: field = value or field != value (values compared as strings).</summary>
public sealed record FieldRequirement(string Field, bool Equal, string Value)
{
    public override string ToString() => Equal ? $"{Field}={Value}" : $"{Field}!={Value}";
}
