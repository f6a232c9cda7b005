using System.Text.Json;
using System.Text.Json.Nodes;
using Shim.Client;
using Shim.Controllers.Runtime;
using Shim.Controllers.StatefulSet;
using Shim.Model;
using Shim.Model.Apps.V1;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;
using Ds = Shim.Model.Apps.V1.DaemonSet;

namespace Shim.Controllers.DaemonSet;

/// <summary>
/// A DaemonSet's ControllerRevisions, as upstream's daemon controller keeps them: the current template's revision is
/// <c>&lt;ds&gt;-&lt;hash&gt;</c>, labelled <c>controller-revision-hash=&lt;hash&gt;</c> (the label its pods carry), holding the
/// template-replacing patch; returning to an older template renumbers that revision to the newest number.
/// </summary>
internal sealed class DaemonSetHistory(KubeClient client, Informer<ControllerRevision> revisions)
{
    public const string HashLabel = "controller-revision-hash";

    /// <summary>The current revision and its hash; a hash collision raises the collision count and fails (to retry).</summary>
    public async Task<(ControllerRevision Current, string Hash)> CurrentAsync(Ds ds, CancellationToken cancellationToken)
    {
        var owned = Owned(ds);
        var data = Patch(ds.Spec?.Template);
        var next = owned.Count == 0 ? 1 : owned.Max(r => r.Revision ?? 0) + 1;
        var collisions = ds.Status?.CollisionCount ?? 0;
        var hash = RevisionHash.Compute(ModelJson.Serialize(ds.Spec?.Template ?? new PodTemplateSpec()), collisions);
        var matching = owned.Where(r => SameData(r, data)).OrderBy(r => r.Revision ?? 0).ToList();
        if (matching.Count > 0)
        {
            var current = matching[^1];
            var currentHash = current.Metadata?.Labels?.GetValueOrDefault(HashLabel) ?? hash;
            if ((current.Revision ?? 0) < next - 1 || current.Metadata?.Labels?.ContainsKey(HashLabel) != true)
            {
                var patch = ModelJson.Serialize(new ControllerRevision
                {
                    Metadata = new ObjectMeta { Labels = new Dictionary<string, string>(StringComparer.Ordinal) { [HashLabel] = currentHash } },
                    Revision = (current.Revision ?? 0) < next - 1 ? next : current.Revision,
                });
                current = await client.PatchAsync<ControllerRevision>(ResourcePath.For<ControllerRevision>(current.Metadata!.Namespace, current.Metadata.Name),
                    KubeClient.MergePatch, patch, cancellationToken).ConfigureAwait(false);
            }

            return (current, currentHash);
        }

        var revision = new ControllerRevision
        {
            Metadata = new ObjectMeta
            {
                Name = $"{ds.Metadata!.Name}-{hash}",
                Namespace = ds.Metadata.Namespace,
                Labels = new Dictionary<string, string>(ds.Spec?.Template?.Metadata?.Labels ?? [], StringComparer.Ordinal) { [HashLabel] = hash },
                Annotations = ds.Metadata.Annotations is { Count: > 0 } a ? new Dictionary<string, string>(a, StringComparer.Ordinal) : null,
                OwnerReferences = [OwnerReferences.ControllerReference(ds)],
            },
            Data = JsonSerializer.SerializeToElement(data, ModelJson.Options),
            Revision = next,
        };
        try
        {
            return (await client.CreateAsync(ResourcePath.For<ControllerRevision>(ds.Metadata.Namespace), revision, cancellationToken).ConfigureAwait(false), hash);
        }
        catch (ApiError e) when (e.IsConflict)
        {
            var existing = await client.GetAsync<ControllerRevision>(ResourcePath.For<ControllerRevision>(ds.Metadata.Namespace, revision.Metadata.Name), cancellationToken).ConfigureAwait(false);
            if (existing is not null && SameData(existing, data) && OwnerReferences.IsControlledBy(existing.Metadata, ds.Metadata))
            {
                return (existing, hash);
            }

            // A different template hashed to the same name: count the collision so the next hash differs.
            await client.PatchAsync<Ds>(ResourcePath.For<Ds>(ds.Metadata.Namespace, ds.Metadata.Name, "status"), KubeClient.MergePatch,
                "{\"status\":{\"collisionCount\":" + (collisions + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}", cancellationToken).ConfigureAwait(false);
            throw new ApiError($"hash collision on controller revision {revision.Metadata.Name}; collisionCount raised");
        }
    }

    /// <summary>Deletes the oldest revisions no live pod uses, beyond revisionHistoryLimit.</summary>
    public async Task CleanupAsync(Ds ds, ControllerRevision current, IEnumerable<Pod> pods, CancellationToken cancellationToken)
    {
        var live = pods.Select(p => p.Metadata?.Labels?.GetValueOrDefault(HashLabel)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var old = Owned(ds).Where(r => r.Metadata!.Name != current.Metadata!.Name).OrderBy(r => r.Revision ?? 0).ToList();
        var excess = old.Count - (ds.Spec?.RevisionHistoryLimit ?? 10);
        foreach (var revision in old)
        {
            if (excess <= 0)
            {
                break;
            }

            if (revision.Metadata?.Labels?.GetValueOrDefault(HashLabel) is { } hash && live.Contains(hash))
            {
                continue;
            }

            await client.DeleteAsync(ResourcePath.For<ControllerRevision>(revision.Metadata!.Namespace, revision.Metadata.Name), null, cancellationToken).ConfigureAwait(false);
            excess--;
        }
    }

    private List<ControllerRevision> Owned(Ds ds) =>
        [.. revisions.List().Where(r => r.Metadata?.Namespace == ds.Metadata!.Namespace && OwnerReferences.IsControlledBy(r.Metadata, ds.Metadata))];

    private static JsonObject Patch(PodTemplateSpec? template)
    {
        var node = JsonSerializer.SerializeToNode(template ?? new PodTemplateSpec(), ModelJson.Options) as JsonObject ?? [];
        node["$patch"] = "replace";
        return new JsonObject { ["spec"] = new JsonObject { ["template"] = node } };
    }

    private static bool SameData(ControllerRevision revision, JsonObject data) =>
        revision.Data is { } existing && JsonNode.DeepEquals(JsonNode.Parse(existing.GetRawText()), data);
}
