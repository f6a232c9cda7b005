namespace Shim.Api.Apply;

/// <summary>What one manager owns, in which API version, and whether it got it by applying.</summary>
internal sealed record VersionedFieldSet(FieldSet Set, string ApiVersion, bool Applied);
