using System.Text.Json.Nodes;

namespace Shim.Api.Apply;

/// <summary>
/// Ownership bookkeeping of structured-merge-diff's merge.Updater over (typed-normalized) objects: on update
/// the writer takes the fields it changed from everyone else; on apply the applier owns exactly its
/// configuration, fields it stops applying are pruned unless someone else owns them, and fields others own
/// with different values are conflicts unless forced. Managers of other API versions are treated as if
/// they were of the same version (no conversion).
/// </summary>
internal sealed class FieldUpdater
{
    private readonly SchemaType _type;
    private readonly FieldSet? _reset;

    public FieldUpdater(SchemaType type, FieldSet? reset)
    {
        _type = type;
        _reset = reset is { IsEmpty: false } ? reset : null;
    }

    private FieldSet Filter(FieldSet set) => _reset is null ? set : set.RecursiveDifference(_reset);

    /// <summary>
    /// Compares old and new, takes changed fields away from every manager but the workflow one (or reports
    /// them as conflicts), removes removed fields from everyone, and drops managers left with nothing.
    /// </summary>
    private (ObjectComparison Compare, List<ApplyConflict> Conflicts) UpdateManagers(
        JsonNode oldObject, JsonNode newObject, Dictionary<ManagerIdentity, VersionedFieldSet> managers, ManagerIdentity workflow, bool force)
    {
        var compare = ObjectComparison.Compare(oldObject, newObject, _type).Filter(_reset);
        var changed = compare.Modified.Union(compare.Added);
        var conflicts = new Dictionary<ManagerIdentity, FieldSet>();
        var removed = new List<ManagerIdentity>();
        foreach (var (manager, versioned) in managers)
        {
            if (manager.Equals(workflow))
            {
                continue;
            }

            var conflictSet = versioned.Set.Intersection(changed);
            if (!conflictSet.IsEmpty)
            {
                conflicts[manager] = conflictSet;
            }

            if (!compare.Removed.IsEmpty)
            {
                removed.Add(manager);
            }
        }

        if (!force && conflicts.Count > 0)
        {
            var list = conflicts
                .OrderBy(c => c.Key.Key, JsonValues.GoStringComparer)
                .SelectMany(c => c.Value.Paths.Select(p => new ApplyConflict(c.Key, p)))
                .ToList();
            return (compare, list);
        }

        foreach (var (manager, conflictSet) in conflicts)
        {
            var v = managers[manager];
            managers[manager] = v with { Set = v.Set.Difference(conflictSet) };
        }

        foreach (var manager in removed)
        {
            var v = managers[manager];
            managers[manager] = v with { Set = v.Set.Difference(compare.Removed) };
        }

        foreach (var manager in managers.Where(m => m.Value.Set.IsEmpty).Select(m => m.Key).ToList())
        {
            managers.Remove(manager);
        }

        return (compare, []);
    }

    /// <summary>A non-apply write: the manager owns what it added or modified, on top of what it kept.</summary>
    public void Update(JsonObject liveObject, JsonObject newObject, string version, Dictionary<ManagerIdentity, VersionedFieldSet> managers, ManagerIdentity manager)
    {
        var (compare, _) = UpdateManagers(liveObject, newObject, managers, manager, force: true);
        var previous = managers.TryGetValue(manager, out var p) ? p.Set : new FieldSet();
        var set = Filter(previous.Difference(compare.Removed).Union(compare.Modified).Union(compare.Added));
        if (set.IsEmpty)
        {
            managers.Remove(manager);
        }
        else
        {
            managers[manager] = new VersionedFieldSet(set, version, false);
        }
    }

    /// <summary>
    /// An apply. Returns the conflicts (when not forced), or the merged and pruned object (null when nothing
    /// changed) with the set of paths pruning removed from the merge, so a raw copy can be pruned alike.
    /// </summary>
    public (JsonObject? Result, FieldSet Pruned, List<ApplyConflict> Conflicts) Apply(
        JsonObject liveObject, JsonObject config, string version, Dictionary<ManagerIdentity, VersionedFieldSet> managers, ManagerIdentity manager, bool force)
    {
        var merged = ObjectMerger.Merge(liveObject, config, _type, dropNulls: false) as JsonObject ?? new JsonObject();
        var lastSet = managers.GetValueOrDefault(manager);
        var set = Filter(FieldSetBuilder.Build(config, _type));
        managers[manager] = new VersionedFieldSet(set, version, true);
        var (pruned, removal) = Prune(merged, managers, lastSet);
        var (_, conflicts) = UpdateManagers(liveObject, pruned, managers, manager, force);
        if (conflicts.Count > 0)
        {
            return (null, removal, conflicts);
        }

        return (JsonValues.Equal(liveObject, pruned) ? null : pruned, removal, []);
    }

    /// <summary>
    /// Removes what the applier applied last time and no longer applies, unless another manager owns it.
    /// </summary>
    private (JsonObject Pruned, FieldSet Removal) Prune(JsonObject merged, Dictionary<ManagerIdentity, VersionedFieldSet> managers, VersionedFieldSet? lastSet)
    {
        if (lastSet is null || lastSet.Set.IsEmpty)
        {
            return (merged, new FieldSet());
        }

        var last = lastSet.Set.EnsureNamedFieldsAreMembers(_type);
        var pruned = Remove(merged, last);

        // Add back what anyone (including the applier's new configuration) owns.
        var managed = managers.Values.Aggregate(new FieldSet(), (acc, v) => acc.Union(v.Set)).EnsureNamedFieldsAreMembers(_type);
        var mergedSet = FieldSetBuilder.Build(merged, _type).EnsureNamedFieldsAreMembers(_type);
        var prunedSet = FieldSetBuilder.Build(pruned, _type).EnsureNamedFieldsAreMembers(_type);
        pruned = Remove(merged, mergedSet.Difference(prunedSet.Union(managed)));

        // Add back what the applier did not own last time (unowned fields, fields of updaters).
        prunedSet = FieldSetBuilder.Build(pruned, _type).EnsureNamedFieldsAreMembers(_type);
        var removal = mergedSet.Difference(prunedSet).Intersection(last);
        return (Remove(merged, removal), removal);
    }

    private JsonObject Remove(JsonObject value, FieldSet set) =>
        set.IsEmpty ? value : ItemRemover.Remove(value, set, _type, dropNulls: false) as JsonObject ?? new JsonObject();
}
