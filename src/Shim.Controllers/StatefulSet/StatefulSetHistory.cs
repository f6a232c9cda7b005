using System.Text.Json;
using System.Text.Json.Nodes;
using Shim.Client;
using Shim.Controllers.Runtime;
using Shim.Model;
using Shim.Model.Apps.V1;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;
using Set = Shim.Model.Apps.V1.StatefulSet;

namespace Shim.Controllers.StatefulSet;

/// <summary>
/// A StatefulSet's ControllerRevisions, as upstream's history package: each holds a patch that replaces the pod template
/// (<c>{"spec":{"template":{..., "$patch":"replace"}}}</c>), named <c>&lt;set&gt;-&lt;hash&gt;</c>, numbered in the order
/// templates were used. Returning to an earlier template renumbers its revision instead of making a new one.
/// </summary>
internal sealed class StatefulSetHistory(KubeClient client, Informer<ControllerRevision> revisions)
{
    public const string HashLabel = "controller.kubernetes.io/hash";

    public IReadOnlyList<ControllerRevision> Owned(Set set) =>
        [.. revisions.List()
            .Where(r => r.Metadata?.Namespace == set.Metadata!.Namespace && OwnerReferences.IsControlledBy(r.Metadata, set.Metadata))
            .OrderBy(r => r.Revision ?? 0)
            .ThenBy(r => r.Metadata!.Name, StringComparer.Ordinal)];

    /// <summary>The revision of the set's current template (created or renumbered as needed) and the collision count used.</summary>
    public async Task<(ControllerRevision Update, int CollisionCount)> UpdateRevisionAsync(Set set, IReadOnlyList<ControllerRevision> owned, CancellationToken cancellationToken)
    {
        var data = Patch(set.Spec?.Template);
        var next = owned.Count == 0 ? 1 : (owned[^1].Revision ?? 0) + 1;
        var equal = owned.Where(r => SameData(r, data)).ToList();
        if (equal.Count > 0)
        {
            var found = equal[^1];
            if (found.Metadata!.Name == owned[^1].Metadata!.Name)
            {
                return (found, set.Status?.CollisionCount ?? 0);
            }

            var renumbered = await client.PatchAsync<ControllerRevision>(
                ResourcePath.For<ControllerRevision>(found.Metadata.Namespace, found.Metadata.Name), KubeClient.MergePatch,
                $$"""{"revision":{{next}}}""", cancellationToken).ConfigureAwait(false);
            return (renumbered, set.Status?.CollisionCount ?? 0);
        }

        var collisions = set.Status?.CollisionCount ?? 0;
        while (true)
        {
            var candidate = NewRevision(set, data, next, collisions);
            try
            {
                var created = await client.CreateAsync(ResourcePath.For<ControllerRevision>(set.Metadata!.Namespace), candidate, cancellationToken).ConfigureAwait(false);
                return (created, collisions);
            }
            catch (ApiError e) when (e.IsConflict)
            {
                // Our own earlier write the cache has not shown yet, or a true hash collision with another template.
                var existing = await client.GetAsync<ControllerRevision>(
                    ResourcePath.For<ControllerRevision>(set.Metadata!.Namespace, candidate.Metadata!.Name), cancellationToken).ConfigureAwait(false);
                if (existing is not null && SameData(existing, data) && OwnerReferences.IsControlledBy(existing.Metadata, set.Metadata))
                {
                    return (existing, collisions);
                }

                collisions++;
            }
        }
    }

    /// <summary>The set as it was at <paramref name="revision"/>: its template replaced by the revision's.</summary>
    public static PodTemplateSpec TemplateOf(ControllerRevision revision)
    {
        if (revision.Data is not { } data || JsonNode.Parse(data.GetRawText())?["spec"]?["template"] is not JsonObject template)
        {
            return new PodTemplateSpec();
        }

        template.Remove("$patch");
        return template.Deserialize<PodTemplateSpec>(ModelJson.Options) ?? new PodTemplateSpec();
    }

    /// <summary>Deletes the oldest revisions no pod uses beyond revisionHistoryLimit (current and update revisions stay).</summary>
    public async Task TruncateAsync(Set set, IReadOnlyList<ControllerRevision> owned, IEnumerable<string> live, CancellationToken cancellationToken)
    {
        var keep = live.ToHashSet(StringComparer.Ordinal);
        var historic = owned.Where(r => !keep.Contains(r.Metadata!.Name!)).ToList();
        var excess = historic.Count - (set.Spec?.RevisionHistoryLimit ?? 10);
        foreach (var revision in historic.Take(Math.Max(0, excess)))
        {
            await client.DeleteAsync(ResourcePath.For<ControllerRevision>(revision.Metadata!.Namespace, revision.Metadata.Name), null, cancellationToken).ConfigureAwait(false);
        }
    }

    private static JsonObject Patch(PodTemplateSpec? template)
    {
        var node = JsonSerializer.SerializeToNode(template ?? new PodTemplateSpec(), ModelJson.Options) as JsonObject ?? [];
        node["$patch"] = "replace";
        return new JsonObject { ["spec"] = new JsonObject { ["template"] = node } };
    }

    private static bool SameData(ControllerRevision revision, JsonObject data) =>
        revision.Data is { } existing && JsonNode.DeepEquals(JsonNode.Parse(existing.GetRawText()), data);

    private static ControllerRevision NewRevision(Set set, JsonObject data, long number, int collisions)
    {
        var text = data.ToJsonString(ModelJson.Options);
        var hash = RevisionHash.Compute(text, collisions);
        var labels = new Dictionary<string, string>(set.Spec?.Template?.Metadata?.Labels ?? [], StringComparer.Ordinal) { [HashLabel] = hash };
        return new ControllerRevision
        {
            Metadata = new ObjectMeta
            {
                Name = $"{set.Metadata!.Name}-{hash}",
                Namespace = set.Metadata.Namespace,
                Labels = labels,
                Annotations = set.Metadata.Annotations is { Count: > 0 } a ? new Dictionary<string, string>(a, StringComparer.Ordinal) : null,
                OwnerReferences = [OwnerReferences.ControllerReference(set)],
            },
            Data = JsonSerializer.SerializeToElement(data, ModelJson.Options),
            Revision = number,
        };
    }
}
