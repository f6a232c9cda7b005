namespace Shim.Controllers.GarbageCollector;

/// <summary>A dependent as its owner sees it: whether it blocks the owner's foreground deletion.</summary>
public sealed record DependentSnapshot(ObjectIdentity Identity, bool DeletingDependents, bool BlocksOwner);
