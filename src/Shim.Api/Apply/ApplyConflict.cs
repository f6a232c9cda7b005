namespace Shim.Api.Apply;

/// <summary>A field another manager owns with a different value than the applied configuration's.</summary>
internal sealed record ApplyConflict(ManagerIdentity Manager, FieldPath Path);
