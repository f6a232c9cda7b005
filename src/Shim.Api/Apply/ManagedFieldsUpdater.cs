using System.Text.Json.Nodes;
using Shim.Api.Json;
using Shim.Api.Schema;

namespace Shim.Api.Apply;

/// <summary>
/// Maintains metadata.managedFields on create, update and non-apply patch, as kube-apiserver's field manager
/// does: the writer's Update entry (per manager, API version and subresource) gains the fields it added or
/// changed, which leave every other entry; removed fields leave every entry; empty entries are dropped;
/// the entry's time is the time of its last change; more than ten update entries are merged into
/// "ancient-changes". Objects that exist without managedFields stay untracked until their first apply.
/// </summary>
public static class ManagedFieldsUpdater
{
    /// <summary>
    /// The object to store: <paramref name="newObj"/> with metadata.managedFields brought up to date.
    /// </summary>
    /// <param name="oldObj">The stored object; null on create.</param>
    /// <param name="newObj">The object about to be stored (after defaulting). Its managedFields are honoured when valid
    /// and non-empty (not on subresources); <c>[]</c> or <c>[{}]</c> clears them.</param>
    /// <param name="manager">The field manager (empty: "unknown"); the caller derives it from the user agent when absent.</param>
    /// <param name="subresource">"status", "scale", …; null for the main resource.</param>
    /// <param name="apiVersion">The request's group/version, e.g. "apps/v1".</param>
    /// <param name="now">The time of the write (recorded to the second).</param>
    /// <param name="schema">The kind's schema; null for kinds without one (everything granular, lists atomic).</param>
    /// <param name="resetFields">Paths this endpoint does not own (ResetFields.For); excluded from ownership.</param>
    public static JsonObject OnUpdate(JsonObject? oldObj, JsonObject newObj, string manager, string? subresource, string apiVersion,
        DateTimeOffset now, SchemaNode? schema, FieldSet? resetFields = null)
    {
        var isSubresource = !string.IsNullOrEmpty(subresource);
        var managed = DecodeLiveOrNew(oldObj, newObj, isSubresource);
        var result = FieldManagement.WithoutManagedFields(newObj);

        // Untracked objects (no managedFields) stay untracked on update; creates are always tracked.
        var isCreate = oldObj is null || string.IsNullOrEmpty(oldObj.Str("metadata", "uid"));
        if (managed.Fields.Count == 0 && !isCreate)
        {
            return result;
        }

        var type = SchemaType.Of(schema);
        var live = TypedNormalizer.Normalize(oldObj is null ? new JsonObject() : FieldManagement.WithoutManagedFields(oldObj), schema);
        var updated = TypedNormalizer.Normalize(result, schema);
        var identity = ManagerIdentity.ForUpdate(string.IsNullOrEmpty(manager) ? "unknown" : manager, apiVersion, subresource);
        FieldManagement.RecordUpdate(live, updated, managed, identity, apiVersion, now, type, resetFields);
        FieldManagement.Store(result, managed);
        return result;
    }

    private static ManagedFieldsState DecodeLiveOrNew(JsonObject? live, JsonObject updated, bool isSubresource)
    {
        var liveFields = FieldManagement.ManagedFieldsOf(live);
        if (isSubresource)
        {
            return ManagedFieldsState.DecodeOrEmpty(liveFields);
        }

        var sent = FieldManagement.ManagedFieldsOf(updated);
        if (IsReset(sent))
        {
            return new ManagedFieldsState();
        }

        ManagedFieldsState? decoded = null;
        try
        {
            decoded = ManagedFieldsState.Decode(sent);
        }
        catch (FormatException)
        {
        }
        catch (InvalidOperationException)
        {
        }

        return decoded is null || decoded.Fields.Count == 0 ? ManagedFieldsState.DecodeOrEmpty(liveFields) : decoded;
    }

    /// <summary>An empty list, or a list of one empty entry, asks to clear managedFields.</summary>
    private static bool IsReset(JsonNode? managedFields) => managedFields switch
    {
        JsonArray { Count: 0 } => true,
        JsonArray { Count: 1 } one => one[0] is null || (one[0] is JsonObject entry && entry.All(p => p.Value is null || IsEmptyString(p.Value))),
        _ => false,
    };

    private static bool IsEmptyString(JsonNode node) => node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length == 0;
}
