namespace Shim.Controllers.GarbageCollector;

/// <summary>
/// One object in the owner→dependents graph. A virtual node stands for an owner that dependents name but no informer
/// has delivered yet; it must be verified against the API before anything is deleted because of it.
/// Only <see cref="DependencyGraph"/> touches nodes, under its lock.
/// </summary>
internal sealed class GraphNode(ObjectIdentity identity, bool observed)
{
    public ObjectIdentity Identity { get; set; } = identity;

    public bool Observed { get; set; } = observed;

    public bool BeingDeleted { get; set; }

    /// <summary>Being deleted in the foreground: it waits for its blocking dependents to go first.</summary>
    public bool DeletingDependents { get; set; }

    public IReadOnlyList<OwnerRef> Owners { get; set; } = [];

    public HashSet<GraphNode> Dependents { get; } = [];

    /// <summary>Whether this node's reference to <paramref name="ownerUid"/> asks the owner to wait for it.</summary>
    public bool Blocks(string ownerUid) => Owners.Any(o => o.Uid == ownerUid && o.BlockOwnerDeletion);
}
