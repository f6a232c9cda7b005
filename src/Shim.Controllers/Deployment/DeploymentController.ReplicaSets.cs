using System.Globalization;
using System.Text.Json.Nodes;
using Shim.Client;
using Shim.Controllers.ReplicaSets;
using Shim.Controllers.Runtime;
using Shim.Model.Apps.V1;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;
using DeploymentKind = Shim.Model.Apps.V1.Deployment;
using ReplicaSetKind = Shim.Model.Apps.V1.ReplicaSet;

namespace Shim.Controllers.Deployments;

/// <summary>Finding, creating, scaling and cleaning up the Deployment's ReplicaSets.</summary>
public sealed partial class DeploymentController
{
    private static IEnumerable<ReplicaSetKind> Oldest(IEnumerable<ReplicaSetKind> replicaSets) =>
        replicaSets.OrderBy(rs => rs.Metadata?.CreationTimestamp ?? DateTimeOffset.MinValue).ThenBy(rs => rs.Metadata?.Name, StringComparer.Ordinal);

    /// <summary>The oldest ReplicaSet whose template is the Deployment's (ignoring the hash label).</summary>
    private static ReplicaSetKind? FindNew(DeploymentKind d, IEnumerable<ReplicaSetKind> replicaSets) =>
        Oldest(replicaSets).FirstOrDefault(rs => PodTemplateHash.EqualIgnoringHash(rs.Spec?.Template, d.Spec?.Template));

    /// <summary>
    /// The new ReplicaSet (created when asked and missing) and all the old ones. The new one's annotations and
    /// minReadySeconds follow the Deployment; its revision becomes the highest; the Deployment's revision follows it.
    /// </summary>
    private async Task<(ReplicaSetKind? New, List<ReplicaSetKind> Old)> GetReplicaSetsAndSyncRevisionAsync(
        DeploymentSyncState state, List<ReplicaSetKind> replicaSets, bool createIfMissing, CancellationToken cancellationToken)
    {
        var d = state.Deployment;
        var existing = FindNew(d, replicaSets);
        var old = replicaSets.Where(rs => rs.Metadata?.Uid != existing?.Metadata?.Uid).ToList();
        var newRevision = ReplicaSetAnnotations.MaxRevision(old) + 1;

        if (existing is not null)
        {
            var copy = ModelCopy.Of(existing);
            var annotationsChanged = ReplicaSetAnnotations.SetNewReplicaSetAnnotations(d, copy, newRevision, exists: true, RolloutMath.MaxSurge(d));
            if (annotationsChanged || copy.Spec!.MinReadySeconds != d.Spec?.MinReadySeconds)
            {
                copy.Spec!.MinReadySeconds = d.Spec?.MinReadySeconds;
                var updated = await ReplaceAsync(copy, cancellationToken).ConfigureAwait(false);
                return (updated, old);
            }

            await SyncDeploymentRevisionAsync(d, copy.Metadata!.Annotations?.GetValueOrDefault(ReplicaSetAnnotations.Revision) ?? "", cancellationToken).ConfigureAwait(false);
            if (DeploymentConditions.HasProgressDeadline(d) && DeploymentConditions.Get(d.Status, DeploymentConditions.Progressing) is null)
            {
                SetCondition(d, DeploymentConditions.Progressing, "True", DeploymentConditions.FoundNewReplicaSet, $"Found new replica set \"{copy.Metadata.Name}\"");
                await WriteStatusAsync(state, cancellationToken).ConfigureAwait(false);
            }

            return (copy, old);
        }

        if (!createIfMissing)
        {
            return (null, old);
        }

        var created = await CreateNewReplicaSetAsync(state, old, newRevision, cancellationToken).ConfigureAwait(false);
        return (created, old);
    }

    private async Task<ReplicaSetKind?> CreateNewReplicaSetAsync(DeploymentSyncState state, List<ReplicaSetKind> old, long newRevision, CancellationToken cancellationToken)
    {
        var d = state.Deployment;
        var meta = d.Metadata!;
        var hash = PodTemplateHash.Compute(d.Spec?.Template, d.Status?.CollisionCount);
        var template = ModelCopy.Of(d.Spec?.Template ?? new PodTemplateSpec());
        template.Metadata ??= new ObjectMeta();
        template.Metadata.Labels = new Dictionary<string, string>(template.Metadata.Labels ?? [], StringComparer.Ordinal) { [PodTemplateHash.Label] = hash };
        var selector = ModelCopy.Of(d.Spec?.Selector ?? new LabelSelector());
        selector.MatchLabels = new Dictionary<string, string>(selector.MatchLabels ?? [], StringComparer.Ordinal) { [PodTemplateHash.Label] = hash };

        var rs = new ReplicaSetKind
        {
            Metadata = new ObjectMeta
            {
                // A deterministic name makes the creation idempotent.
                Name = $"{meta.Name}-{hash}",
                Namespace = meta.Namespace,
                OwnerReferences = [OwnerReferences.ControllerReference(d)],
                Labels = new Dictionary<string, string>(template.Metadata.Labels, StringComparer.Ordinal),
            },
            Spec = new ReplicaSetSpec { Replicas = 0, MinReadySeconds = d.Spec?.MinReadySeconds, Selector = selector, Template = template },
        };
        rs.Spec.Replicas = RolloutMath.NewReplicaSetSize(d, [.. old, rs], rs);
        ReplicaSetAnnotations.SetNewReplicaSetAnnotations(d, rs, newRevision, exists: false, RolloutMath.MaxSurge(d));

        ReplicaSetKind created;
        var alreadyExisted = false;
        try
        {
            created = await _client.CreateAsync(ResourcePath.For<ReplicaSetKind>(meta.Namespace), rs, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiError e) when (e.Code == 409)
        {
            // Either our own creation the cache has not shown yet, or a different template with the same hash.
            var found = await _client.GetAsync<ReplicaSetKind>(ResourcePath.For<ReplicaSetKind>(meta.Namespace, rs.Metadata.Name), cancellationToken).ConfigureAwait(false);
            if (found is not null && OwnerReferences.IsControlledBy(found.Metadata, meta) && PodTemplateHash.EqualIgnoringHash(d.Spec?.Template, found.Spec?.Template))
            {
                created = found;
                alreadyExisted = true;
            }
            else
            {
                var status = d.Status ??= new DeploymentStatus();
                status.CollisionCount = (status.CollisionCount ?? 0) + 1;
                await WriteStatusAsync(state, cancellationToken).ConfigureAwait(false);
                LogCollision(_logger, meta.Namespace, meta.Name, rs.Metadata.Name, status.CollisionCount.Value);
                throw;
            }
        }
        catch (ApiError e)
        {
            var message = $"Failed to create new replica set \"{rs.Metadata.Name}\": {e.Message}";
            if (DeploymentConditions.HasProgressDeadline(d))
            {
                SetCondition(d, DeploymentConditions.Progressing, "False", DeploymentConditions.FailedReplicaSetCreate, message);
                try
                {
                    await WriteStatusAsync(state, cancellationToken).ConfigureAwait(false);
                }
                catch (ApiError)
                {
                    // The creation failure is the error worth reporting.
                }
            }

            _events.Record(Reference(d), "Warning", DeploymentConditions.FailedReplicaSetCreate, message);
            throw;
        }

        var size = RolloutMath.Replicas(created);
        if (!alreadyExisted && size > 0)
        {
            _events.Record(Reference(d), "Normal", "ScalingReplicaSet", $"Scaled up replica set {created.Metadata!.Name} from 0 to {size}");
        }

        await SyncDeploymentRevisionAsync(d, newRevision.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        if (!alreadyExisted && DeploymentConditions.HasProgressDeadline(d))
        {
            SetCondition(d, DeploymentConditions.Progressing, "True", DeploymentConditions.NewReplicaSetCreated, $"Created new replica set \"{created.Metadata!.Name}\"");
            await WriteStatusAsync(state, cancellationToken).ConfigureAwait(false);
        }

        return created;
    }

    /// <summary>
    /// The Deployment's revision annotation mirrors its new ReplicaSet's. Upstream writes it along with status; here
    /// the status subresource changes status only, so it is a metadata patch of its own.
    /// </summary>
    private async Task SyncDeploymentRevisionAsync(DeploymentKind d, string revision, CancellationToken cancellationToken)
    {
        if (!ReplicaSetAnnotations.SetDeploymentRevision(d, revision))
        {
            return;
        }

        var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [ReplicaSetAnnotations.Revision] = revision } } }.ToJsonString();
        var path = ResourcePath.For<DeploymentKind>(d.Metadata!.Namespace, d.Metadata.Name);
        RememberWrite(await _client.PatchAsync<DeploymentKind>(path, KubeClient.MergePatch, patch, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Scales with an event when the size changes. Returns whether it did and the ReplicaSet as now stored.</summary>
    private async Task<(bool Scaled, ReplicaSetKind ReplicaSet)> ScaleAndRecordAsync(ReplicaSetKind rs, int size, DeploymentKind d, CancellationToken cancellationToken)
    {
        if (RolloutMath.Replicas(rs) == size)
        {
            return (false, rs);
        }

        return await ScaleAsync(rs, size, d, size > RolloutMath.Replicas(rs) ? "up" : "down", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets the size and the desired/max replica annotations in one update.</summary>
    private async Task<(bool Scaled, ReplicaSetKind ReplicaSet)> ScaleAsync(ReplicaSetKind rs, int size, DeploymentKind d, string direction, CancellationToken cancellationToken)
    {
        var desired = RolloutMath.Replicas(d);
        var max = desired + RolloutMath.MaxSurge(d);
        var sizeChanges = RolloutMath.Replicas(rs) != size;
        if (!sizeChanges && !ReplicaSetAnnotations.ReplicasAnnotationsNeedUpdate(rs, desired, max))
        {
            return (false, rs);
        }

        var before = RolloutMath.Replicas(rs);
        var copy = ModelCopy.Of(rs);
        copy.Spec!.Replicas = size;
        ReplicaSetAnnotations.SetReplicasAnnotations(copy, desired, max);
        var updated = await ReplaceAsync(copy, cancellationToken).ConfigureAwait(false);
        if (sizeChanges)
        {
            _events.Record(Reference(d), "Normal", "ScalingReplicaSet", $"Scaled {direction} replica set {updated.Metadata!.Name} from {before} to {size}");
        }

        return (sizeChanges, updated);
    }

    private Task<ReplicaSetKind> ReplaceAsync(ReplicaSetKind rs, CancellationToken cancellationToken) =>
        _client.ReplaceAsync(ResourcePath.For<ReplicaSetKind>(rs.Metadata!.Namespace, rs.Metadata.Name), rs, cancellationToken);

    /// <summary>
    /// Deletes the oldest (by revision) old ReplicaSets beyond revisionHistoryLimit, but only fully scaled-down ones
    /// whose controller has caught up.
    /// </summary>
    private async Task CleanupAsync(DeploymentKind d, List<ReplicaSetKind> oldRss, CancellationToken cancellationToken)
    {
        if (d.Spec?.RevisionHistoryLimit is not { } limit)
        {
            return;
        }

        var cleanable = oldRss.Where(rs => rs.Metadata?.DeletionTimestamp is null).ToList();
        var surplus = cleanable.Count - limit;
        if (surplus <= 0)
        {
            return;
        }

        var byRevision = cleanable.OrderBy(ReplicaSetAnnotations.RevisionOf).ThenBy(rs => rs.Metadata?.CreationTimestamp ?? DateTimeOffset.MinValue).ThenBy(rs => rs.Metadata?.Name, StringComparer.Ordinal);
        foreach (var rs in byRevision.Take(surplus))
        {
            if ((rs.Status?.Replicas ?? 0) != 0 || RolloutMath.Replicas(rs) != 0 || (rs.Metadata?.Generation ?? 0) > (rs.Status?.ObservedGeneration ?? 0))
            {
                continue;
            }

            await _client.DeleteAsync(ResourcePath.For<ReplicaSetKind>(rs.Metadata!.Namespace, rs.Metadata.Name), null, cancellationToken).ConfigureAwait(false);
        }
    }
}
