using System.Text.Json.Nodes;
using Shim.Client;

namespace Shim.Controllers.GarbageCollector;

/// <summary>
/// The owner→dependents graph by uid, as upstream's GraphBuilder keeps it: informer events change it and put the uids
/// whose fate may have changed on the attempt-to-delete and attempt-to-orphan queues. It never calls the API itself.
/// </summary>
internal sealed class DependencyGraph(WorkQueue attemptToDelete, WorkQueue attemptToOrphan, AbsentOwnerCache absentOwners)
{
    public const string OrphanFinalizer = "orphan";
    public const string ForegroundFinalizer = "foregroundDeletion";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, GraphNode> _nodes = new(StringComparer.Ordinal);

    /// <summary>An object was added (<paramref name="old"/> null) or updated.</summary>
    public void Observe(JsonObject? old, JsonObject current)
    {
        var identity = ObjectIdentity.Of(current);
        if (identity.Uid.Length == 0)
        {
            return;
        }

        var owners = OwnerRef.AllOf(current);
        lock (_gate)
        {
            if (!_nodes.TryGetValue(identity.Uid, out var node))
            {
                node = new GraphNode(identity, observed: true) { Owners = owners, BeingDeleted = IsBeingDeleted(current) };
                _nodes[identity.Uid] = node;
                AddToOwners(node, owners);
                ProcessTransitions(old, current, node);
                return;
            }

            if (!node.Observed)
            {
                if (node.Identity != identity)
                {
                    // Dependents named this owner by other coordinates than it really has: let the workers check them.
                    foreach (var dependent in node.Dependents.Where(d => !Refers(d, identity)))
                    {
                        attemptToDelete.Add(dependent.Identity.Uid);
                    }

                    node.Identity = identity;
                }

                node.Observed = true;
            }

            var (added, removed, changed) = Diff(node.Owners, owners);
            if (added.Count + removed.Count + changed.Count > 0)
            {
                WakeUnblockedOwners(removed, changed);
                node.Owners = owners;
                AddToOwners(node, added);
                RemoveFromOwners(node, removed);
            }

            if (IsBeingDeleted(current))
            {
                node.BeingDeleted = true;
            }

            ProcessTransitions(old, current, node);
        }
    }

    /// <summary>An informer saw the object deleted.</summary>
    public void Removed(JsonObject gone)
    {
        var uid = ObjectIdentity.Of(gone).Uid;
        lock (_gate)
        {
            if (_nodes.TryGetValue(uid, out var node))
            {
                RemoveNode(node);
            }
        }
    }

    /// <summary>
    /// A worker found no object with <paramref name="identity"/> (absent, or the name now has another uid). The node goes
    /// unless dependents name that uid by other coordinates; those keep a virtual node to be checked by theirs.
    /// </summary>
    public void VirtualDelete(ObjectIdentity identity)
    {
        lock (_gate)
        {
            if (!_nodes.TryGetValue(identity.Uid, out var node))
            {
                return;
            }

            var matching = node.Dependents.Where(d => Refers(d, identity)).ToList();
            var others = node.Dependents.Where(d => !Refers(d, identity)).ToList();
            if (node.Observed ? node.Identity == identity : others.Count == 0)
            {
                RemoveNode(node);
                return;
            }

            if (matching.Count > 0)
            {
                absentOwners.Add(identity);
                matching.ForEach(d => attemptToDelete.Add(d.Identity.Uid));
            }

            if (!node.Observed && node.Identity == identity)
            {
                // Check the next coordinates some other dependent uses for this uid.
                var other = others[0];
                var reference = other.Owners.First(o => o.Uid == identity.Uid);
                node.Identity = ObjectIdentity.OwnerOf(reference, other.Identity.Namespace);
                attemptToDelete.Add(identity.Uid);
            }
        }
    }

    public NodeSnapshot? Snapshot(string uid)
    {
        lock (_gate)
        {
            if (!_nodes.TryGetValue(uid, out var node))
            {
                return null;
            }

            var dependents = node.Dependents.Select(d => new DependentSnapshot(d.Identity, d.DeletingDependents, d.Blocks(uid))).ToList();
            return new NodeSnapshot(node.Identity, node.Observed, node.BeingDeleted, node.DeletingDependents, dependents);
        }
    }

    private static bool IsBeingDeleted(JsonObject obj) => obj["metadata"]?["deletionTimestamp"] is not null;

    private static bool HasFinalizer(JsonObject? obj, string finalizer) =>
        (obj?["metadata"]?["finalizers"] as JsonArray)?.Any(f => f?.GetValue<string>() == finalizer) ?? false;

    /// <summary>True when <paramref name="current"/> waits for <paramref name="finalizer"/> and <paramref name="old"/> did not yet.</summary>
    private static bool StartsWaiting(JsonObject? old, JsonObject current, string finalizer) =>
        IsBeingDeleted(current) && HasFinalizer(current, finalizer) && !(old is not null && IsBeingDeleted(old) && HasFinalizer(old, finalizer));

    /// <summary>Whether all of the dependent's references to the owner's uid name it by <paramref name="owner"/>'s coordinates.</summary>
    private static bool Refers(GraphNode dependent, ObjectIdentity owner) =>
        (owner.Namespace.Length == 0 || dependent.Identity.Namespace == owner.Namespace)
        && dependent.Owners.Where(o => o.Uid == owner.Uid).All(owner.MatchedBy);

    private static (List<OwnerRef> Added, List<OwnerRef> Removed, List<(OwnerRef Old, OwnerRef New)> Changed) Diff(IReadOnlyList<OwnerRef> before, IReadOnlyList<OwnerRef> after)
    {
        var old = before.GroupBy(o => o.Uid).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var now = after.GroupBy(o => o.Uid).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var added = now.Values.Where(o => !old.ContainsKey(o.Uid)).ToList();
        var removed = old.Values.Where(o => !now.ContainsKey(o.Uid)).ToList();
        var changed = now.Values.Where(o => old.TryGetValue(o.Uid, out var was) && was != o).Select(o => (old[o.Uid], o)).ToList();
        return (added, removed, changed);
    }

    private void ProcessTransitions(JsonObject? old, JsonObject current, GraphNode node)
    {
        if (StartsWaiting(old, current, OrphanFinalizer))
        {
            attemptToOrphan.Add(node.Identity.Uid);
            return;
        }

        if (StartsWaiting(old, current, ForegroundFinalizer))
        {
            node.DeletingDependents = true;
            foreach (var dependent in node.Dependents)
            {
                attemptToDelete.Add(dependent.Identity.Uid);
            }

            attemptToDelete.Add(node.Identity.Uid);
        }
    }

    /// <summary>A dependent that stopped blocking its owner may be what a foreground deletion waited for.</summary>
    private void WakeUnblockedOwners(List<OwnerRef> removed, List<(OwnerRef Old, OwnerRef New)> changed)
    {
        var unblocked = removed.Where(o => o.BlockOwnerDeletion).Concat(changed.Where(c => c.Old.BlockOwnerDeletion && !c.New.BlockOwnerDeletion).Select(c => c.New));
        foreach (var reference in unblocked)
        {
            if (_nodes.TryGetValue(reference.Uid, out var owner) && owner.DeletingDependents)
            {
                attemptToDelete.Add(owner.Identity.Uid);
            }
        }
    }

    private void AddToOwners(GraphNode node, IEnumerable<OwnerRef> references)
    {
        foreach (var reference in references)
        {
            if (!_nodes.TryGetValue(reference.Uid, out var owner))
            {
                // Not seen yet (or never to be seen): a virtual node, verified against the API by a worker.
                owner = new GraphNode(ObjectIdentity.OwnerOf(reference, node.Identity.Namespace), observed: false);
                _nodes[reference.Uid] = owner;
                attemptToDelete.Add(reference.Uid);
            }
            else if (owner.Observed && !Refers(node, owner.Identity))
            {
                // The reference names a real object by wrong coordinates (or across namespaces): the worker decides.
                attemptToDelete.Add(node.Identity.Uid);
            }

            owner.Dependents.Add(node);
        }
    }

    private void RemoveFromOwners(GraphNode node, IEnumerable<OwnerRef> references)
    {
        foreach (var reference in references)
        {
            if (_nodes.TryGetValue(reference.Uid, out var owner))
            {
                owner.Dependents.Remove(node);
            }
        }
    }

    private void RemoveNode(GraphNode node)
    {
        _nodes.Remove(node.Identity.Uid);
        RemoveFromOwners(node, node.Owners);
        if (node.Dependents.Count > 0)
        {
            absentOwners.Add(node.Identity);
        }

        foreach (var dependent in node.Dependents)
        {
            attemptToDelete.Add(dependent.Identity.Uid);
        }

        foreach (var reference in node.Owners)
        {
            if (_nodes.TryGetValue(reference.Uid, out var owner) && owner.DeletingDependents)
            {
                attemptToDelete.Add(owner.Identity.Uid);
            }
        }
    }
}
