using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shim.Api.Errors;
using Shim.Api.Json;
using Shim.Api.Schema;

namespace Shim.Api.Apply;

/// <summary>
/// Server-side apply (PATCH with application/apply-patch+yaml) as kube-apiserver's field manager performs it:
/// merges the applied configuration into the object by the schema's list and map types, makes the applier's
/// Apply entry exactly the configuration's fields, prunes fields the applier applied before and no longer
/// applies (unless someone else owns them), and refuses with 409 when another manager owns a field the
/// configuration sets differently (force takes such fields over). Objects without managedFields first get a
/// "before-first-apply" entry for everything they hold. For the manager "kubectl", conflicts with fields the
/// object's kubectl.kubernetes.io/last-applied-configuration still matches are taken over (client-side to
/// server-side apply migration) and that annotation is kept in step with the applied configuration.
/// </summary>
public static class ServerSideApply
{
    public const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";
    private const string KubectlManager = "kubectl";
    private const int TotalAnnotationSizeLimit = 256 * 1024;

    /// <summary>The object to store, with managedFields up to date. Throws ApiException (409 Conflict, 400, 500).</summary>
    /// <param name="current">The stored object; null when the apply creates it.</param>
    /// <param name="applied">The applied configuration (the request body, decoded).</param>
    /// <param name="manager">The fieldManager (required for apply; the caller checks).</param>
    /// <param name="force">Take over conflicting fields (force=true).</param>
    /// <param name="apiVersion">The request's group/version, e.g. "apps/v1"; the configuration must be of it.</param>
    /// <param name="now">The time of the write (recorded to the second).</param>
    /// <param name="schema">The kind's schema; null for kinds without one (everything granular, lists atomic).</param>
    /// <param name="subresource">"status" etc. when applying to a subresource.</param>
    /// <param name="resetFields">Paths this endpoint does not own (ResetFields.For); excluded from ownership.</param>
    public static JsonObject Apply(JsonObject? current, JsonObject applied, string manager, bool force, string apiVersion, DateTimeOffset now,
        SchemaNode? schema, string? subresource = null, FieldSet? resetFields = null)
    {
        CheckVersion(current, applied, apiVersion, schema);

        ManagedFieldsState managed;
        try
        {
            managed = ManagedFieldsState.Decode(FieldManagement.ManagedFieldsOf(current));
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw new ApiException(500, "", $"failed to decode managed fields: {e.Message}");
        }

        var type = SchemaType.Of(schema);
        var liveRaw = current is null ? new JsonObject() : FieldManagement.WithoutManagedFields(current);
        var live = TypedNormalizer.Normalize(liveRaw, schema);
        var context = new Context(liveRaw, live, applied, manager, apiVersion, now, schema, type, subresource, resetFields);

        var (result, outcome, conflicts) = context.Attempt(managed, force);
        if (conflicts.Count > 0)
        {
            var allowed = manager == KubectlManager ? AllowedByLastApplied(liveRaw, live, apiVersion, type) : null;
            if (allowed is null)
            {
                throw ConflictError(conflicts);
            }

            var remaining = conflicts.Where(c => !allowed.Has(c.Path)).ToList();
            if (remaining.Count > 0)
            {
                throw ConflictError(remaining);
            }

            (result, outcome, _) = context.Attempt(managed, force: true);
        }

        if (manager == KubectlManager && HasLastApplied(result!))
        {
            SetLastApplied(result!, BuildLastApplied(applied));
        }

        FieldManagement.Store(result!, outcome!);
        return result!;
    }

    private sealed record Context(JsonObject LiveRaw, JsonObject Live, JsonObject Applied, string Manager, string ApiVersion, DateTimeOffset Now,
        SchemaNode? Schema, SchemaType Type, string? Subresource, FieldSet? Reset)
    {
        public (JsonObject? Result, ManagedFieldsState? Managed, List<ApplyConflict> Conflicts) Attempt(ManagedFieldsState original, bool force)
        {
            var managed = original.Copy();
            if (managed.Fields.Count == 0)
            {
                // Attribute everything the object holds to "before-first-apply" so the first applier sees it as owned.
                var zero = TypedNormalizer.Normalize(new JsonObject(), Schema);
                var before = ManagerIdentity.ForUpdate(FieldManagement.BeforeFirstApply, ApiVersion, Subresource);
                FieldManagement.RecordUpdate(zero, Live, managed, before, ApiVersion, Now, Type, Reset);
            }

            if (Applied["metadata"] is JsonObject metadata && metadata["managedFields"] is not null)
            {
                throw ApiException.BadRequest("metadata.managedFields must be nil");
            }

            var errors = FieldSetBuilder.Validate(Applied, Type);
            if (errors.Count > 0)
            {
                var detail = errors.Count == 1 ? errors[0] : "errors:\n  " + string.Join("\n  ", errors);
                throw new ApiException(500, "", $"failed to create typed patch object ({ObjectName(Applied)}; {GvkString(Applied)}): {detail}");
            }

            var identity = ManagerIdentity.ForApply(Manager, Subresource);
            var updater = new FieldUpdater(Type, Reset);
            var (merged, pruned, conflicts) = updater.Apply(Live, Applied, ApiVersion, managed.Fields, identity, force);
            if (conflicts.Count > 0)
            {
                return (null, null, conflicts);
            }

            FieldManagement.Strip(managed.Fields, identity);
            JsonObject result;
            if (merged is null)
            {
                // Nothing changed: the object stays as it is and the applier's time is not touched.
                result = (JsonObject)LiveRaw.DeepClone();
            }
            else
            {
                managed.Times[identity] = FieldManagement.Truncate(Now);
                result = ObjectMerger.Merge(LiveRaw, Applied, Type, dropNulls: true) as JsonObject ?? new JsonObject();
                if (!pruned.IsEmpty)
                {
                    result = ItemRemover.Remove(result, pruned, Type, dropNulls: true) as JsonObject ?? new JsonObject();
                }
            }

            return (result, managed, []);
        }
    }

    private static void CheckVersion(JsonObject? current, JsonObject applied, string apiVersion, SchemaNode? schema)
    {
        var appliedVersion = applied.Str("apiVersion") ?? "";
        var appliedKind = applied.Str("kind") ?? "";
        var expectedKind = current?.Str("kind");
        var kindMatches = expectedKind is not null
            ? appliedKind == expectedKind
            : schema?.Resolved["x-kubernetes-group-version-kind"] is not JsonArray gvks
              || gvks.OfType<JsonObject>().Any(g => g.Str("kind") == appliedKind);
        if (appliedVersion != apiVersion || !kindMatches)
        {
            throw ApiException.BadRequest($"invalid object type: {GvkString(applied)}");
        }
    }

    /// <summary>"apps/v1, Kind=Deployment" (GroupVersionKind.String()).</summary>
    private static string GvkString(JsonObject obj)
    {
        var apiVersion = obj.Str("apiVersion") ?? "";
        var kind = obj.Str("kind") ?? "";
        var parts = apiVersion.Split('/');
        var (group, version) = parts.Length switch
        {
            1 => ("", parts[0]),
            2 => (parts[0], parts[1]),
            _ => ("", ""),
        };
        return $"{group}/{version}, Kind={kind}";
    }

    private static string ObjectName(JsonObject obj) => $"{obj.Str("metadata", "namespace") ?? ""}/{obj.Str("metadata", "name") ?? ""}";

    /// <summary>
    /// The fields the last-applied-configuration annotation (client-side apply) sets to the values the object
    /// still has; conflicts on them are not real conflicts for kubectl.
    /// </summary>
    private static FieldSet? AllowedByLastApplied(JsonObject liveRaw, JsonObject live, string apiVersion, SchemaType type)
    {
        if (liveRaw.At("metadata", "annotations", LastAppliedAnnotation) is not JsonValue v || !v.TryGetValue<string>(out var text) || text.Length == 0)
        {
            return null;
        }

        JsonObject? lastApplied;
        try
        {
            lastApplied = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }

        if (lastApplied is null || lastApplied.Str("apiVersion") != apiVersion || FieldSetBuilder.Validate(lastApplied, type).Count > 0)
        {
            return null;
        }

        var set = FieldSetBuilder.Build(lastApplied, type);
        var comparison = ObjectComparison.Compare(lastApplied, live, type);
        return set.Difference(comparison.Modified).Difference(comparison.Added).Difference(comparison.Removed);
    }

    private static bool HasLastApplied(JsonObject obj) =>
        obj.At("metadata", "annotations", LastAppliedAnnotation) is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0;

    /// <summary>The configuration without the annotation, as kubectl would have written it (sorted keys, newline).</summary>
    private static string BuildLastApplied(JsonObject applied)
    {
        var copy = (JsonObject)applied.DeepClone();
        if (copy.At("metadata", "annotations") is JsonObject annotations)
        {
            annotations.Remove(LastAppliedAnnotation);
        }

        return JsonValues.GoJson(copy) + "\n";
    }

    private static void SetLastApplied(JsonObject obj, string value)
    {
        var annotations = obj.Metadata().Ensure("annotations");
        annotations[LastAppliedAnnotation] = value;
        var size = annotations.Sum(a => Encoding.UTF8.GetByteCount(a.Key) + Encoding.UTF8.GetByteCount(a.Value.Str() ?? ""));
        if (size > TotalAnnotationSizeLimit)
        {
            annotations.Remove(LastAppliedAnnotation);
        }
    }

    /// <summary>409 Conflict with upstream's message and one FieldManagerConflict cause per field.</summary>
    private static ApiException ConflictError(List<ApplyConflict> conflicts)
    {
        var causes = conflicts
            .Select(c => new StatusCause("FieldManagerConflict", $"conflict with {c.Manager.Describe()}", c.Path.ToString()))
            .ToList();
        string message;
        if (conflicts.Count == 1)
        {
            message = $"Apply failed with 1 conflict: conflict with {conflicts[0].Manager.Describe()}: {conflicts[0].Path}";
        }
        else
        {
            var lines = new List<string>();
            foreach (var group in conflicts.GroupBy(c => c.Manager).OrderBy(g => g.Key.Key, JsonValues.GoStringComparer))
            {
                lines.Add($"conflicts with {group.Key.Describe()}:");
                lines.AddRange(group.Select(c => $"- {c.Path}"));
            }

            message = $"Apply failed with {conflicts.Count} conflicts: {string.Join("\n", lines)}";
        }

        return new ApiException(409, "Conflict", message, causes: causes);
    }
}
