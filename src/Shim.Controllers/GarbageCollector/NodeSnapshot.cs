namespace Shim.Controllers.GarbageCollector;

/// <summary>A consistent copy of a graph node and its dependents, for the workers to act on outside the graph's lock.</summary>
public sealed record NodeSnapshot(ObjectIdentity Identity, bool Observed, bool BeingDeleted, bool DeletingDependents, IReadOnlyList<DependentSnapshot> Dependents);
