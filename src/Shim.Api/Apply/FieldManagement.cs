using System.Text.Json.Nodes;
using Shim.Api.Json;

namespace Shim.Api.Apply;

/// <summary>
/// The parts of kube-apiserver's field manager shared by updates and applies: the update pipeline (record the
/// current operation's changes, strip metadata, merge them into the manager's entry, cap update entries),
/// the metadata fields never tracked, and reading and writing metadata.managedFields.
/// </summary>
internal static class FieldManagement
{
    public const int MaxUpdateManagers = 10;
    public const string AncientChanges = "ancient-changes";
    public const string BeforeFirstApply = "before-first-apply";

    /// <summary>Paths never recorded as owned (removed as members only; what lies below them stays).</summary>
    public static FieldSet StripSet { get; } = FieldSet.Of(
        FieldPath.Of("apiVersion"),
        FieldPath.Of("kind"),
        FieldPath.Of("metadata"),
        FieldPath.Of("metadata", "name"),
        FieldPath.Of("metadata", "namespace"),
        FieldPath.Of("metadata", "creationTimestamp"),
        FieldPath.Of("metadata", "selfLink"),
        FieldPath.Of("metadata", "uid"),
        FieldPath.Of("metadata", "clusterName"),
        FieldPath.Of("metadata", "generation"),
        FieldPath.Of("metadata", "managedFields"),
        FieldPath.Of("metadata", "resourceVersion"));

    public static void Strip(Dictionary<ManagerIdentity, VersionedFieldSet> managers, ManagerIdentity manager)
    {
        if (!managers.TryGetValue(manager, out var versioned))
        {
            return;
        }

        var set = versioned.Set.Difference(StripSet);
        if (set.IsEmpty)
        {
            managers.Remove(manager);
        }
        else
        {
            managers[manager] = versioned with { Set = set };
        }
    }

    /// <summary>Records a non-apply write of manager (an Update identity) from live to new (both normalized).</summary>
    public static void RecordUpdate(JsonObject live, JsonObject updated, ManagedFieldsState managed, ManagerIdentity manager, string apiVersion,
        DateTimeOffset now, SchemaType type, FieldSet? reset)
    {
        var self = ManagerIdentity.CurrentOperation;
        new FieldUpdater(type, reset).Update(live, updated, apiVersion, managed.Fields, self);
        Strip(managed.Fields, self);
        if (managed.Fields.Remove(self, out var current))
        {
            managed.Fields[manager] = managed.Fields.TryGetValue(manager, out var previous)
                ? current with { Set = current.Set.Union(previous.Set) }
                : current;
            managed.Times[manager] = Truncate(now);
        }

        CapUpdateManagers(managed);
    }

    public static DateTimeOffset Truncate(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }

    /// <summary>Merges the oldest update entries into per-version "ancient-changes" entries beyond ten.</summary>
    public static void CapUpdateManagers(ManagedFieldsState managed)
    {
        var updaters = managed.Fields.Where(f => !f.Value.Applied).Select(f => f.Key).ToList();
        if (updaters.Count <= MaxUpdateManagers)
        {
            return;
        }

        long Seconds(ManagerIdentity m) => managed.Times.GetValueOrDefault(m)?.ToUnixTimeSeconds() ?? 0;
        updaters.Sort((a, b) =>
        {
            var (x, y) = (Seconds(a), Seconds(b));
            return x != y ? x.CompareTo(y) : JsonValues.CompareStrings(a.Key, b.Key);
        });

        var firstOfVersion = new Dictionary<string, ManagerIdentity>(StringComparer.Ordinal);
        var length = updaters.Count;
        for (var i = 0; i < updaters.Count && length > MaxUpdateManagers; i++)
        {
            var manager = updaters[i];
            var versioned = managed.Fields[manager];
            var time = managed.Times.GetValueOrDefault(manager);
            var version = versioned.ApiVersion;
            var bucket = ManagerIdentity.ForUpdate(AncientChanges, version, null);
            if (firstOfVersion.TryGetValue(version, out var first))
            {
                if (!managed.Fields.ContainsKey(bucket))
                {
                    var moved = managed.Fields[first];
                    managed.Fields.Remove(first);
                    managed.Fields[bucket] = moved;
                }

                managed.Fields[bucket] = new VersionedFieldSet(versioned.Set.Union(managed.Fields[bucket].Set), versioned.ApiVersion, versioned.Applied);
                managed.Fields.Remove(manager);
                length--;
                managed.Times[bucket] = time;
            }
            else
            {
                firstOfVersion[version] = manager;
            }
        }
    }

    public static JsonNode? ManagedFieldsOf(JsonObject? obj) => obj.At("metadata", "managedFields");

    /// <summary>A copy of the object without metadata.managedFields.</summary>
    public static JsonObject WithoutManagedFields(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        if (copy["metadata"] is JsonObject metadata)
        {
            metadata.Remove("managedFields");
        }

        return copy;
    }

    /// <summary>Writes the entries into metadata.managedFields, or removes the field when there are none.</summary>
    public static void Store(JsonObject obj, ManagedFieldsState managed)
    {
        var entries = managed.Encode();
        if (entries is null)
        {
            if (obj["metadata"] is JsonObject metadata)
            {
                metadata.Remove("managedFields");
            }

            return;
        }

        obj.Metadata()["managedFields"] = entries;
    }
}
