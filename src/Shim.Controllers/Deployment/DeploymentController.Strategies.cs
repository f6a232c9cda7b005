using Shim.Controllers.ReplicaSets;
using Shim.Model.Core.V1;
using DeploymentKind = Shim.Model.Apps.V1.Deployment;
using ReplicaSetKind = Shim.Model.Apps.V1.ReplicaSet;

namespace Shim.Controllers.Deployments;

/// <summary>The rollout strategies and scaling of a Deployment's ReplicaSets.</summary>
public sealed partial class DeploymentController
{
    /// <summary>A scaling event: some active ReplicaSet was last sized for a different desired count.</summary>
    private async Task<bool> IsScalingEventAsync(DeploymentSyncState state, List<ReplicaSetKind> replicaSets, CancellationToken cancellationToken)
    {
        var (newRs, oldRss) = await GetReplicaSetsAndSyncRevisionAsync(state, replicaSets, false, cancellationToken).ConfigureAwait(false);
        var desired = RolloutMath.Replicas(state.Deployment);
        return RolloutMath.Active([.. oldRss, newRs]).Any(rs => ReplicaSetAnnotations.DesiredReplicasOf(rs) is { } annotated && annotated != desired);
    }

    /// <summary>Paused Deployments and scaling events: resize without rolling out, then report status.</summary>
    private async Task SyncScalingAsync(DeploymentSyncState state, List<ReplicaSetKind> replicaSets, CancellationToken cancellationToken)
    {
        var d = state.Deployment;
        var (newRs, oldRss) = await GetReplicaSetsAndSyncRevisionAsync(state, replicaSets, false, cancellationToken).ConfigureAwait(false);
        await ScaleAsync(d, newRs, oldRss, cancellationToken).ConfigureAwait(false);
        if (d.Spec?.Paused == true)
        {
            await CleanupAsync(d, oldRss, cancellationToken).ConfigureAwait(false);
        }

        await SyncDeploymentStatusAsync(state, [.. oldRss, newRs], newRs, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Brings the ReplicaSets' total to the desired count: a single active (or the newest) ReplicaSet takes it all; a
    /// saturated new one lets the old ones go to zero; otherwise a RollingUpdate spreads the difference in proportion
    /// to each ReplicaSet's size, leftovers to the largest.
    /// </summary>
    private async Task ScaleAsync(DeploymentKind d, ReplicaSetKind? newRs, List<ReplicaSetKind> oldRss, CancellationToken cancellationToken)
    {
        var desired = RolloutMath.Replicas(d);
        if (RolloutMath.ActiveOrLatest(newRs, oldRss) is { } only)
        {
            if (RolloutMath.Replicas(only) != desired)
            {
                await ScaleAndRecordAsync(only, desired, d, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        if (RolloutMath.IsSaturated(d, newRs))
        {
            foreach (var old in RolloutMath.Active(oldRss))
            {
                await ScaleAndRecordAsync(old, 0, d, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        if (!RolloutMath.IsRollingUpdate(d))
        {
            return;
        }

        var active = RolloutMath.Active([.. oldRss, newRs]);
        var allowed = desired > 0 ? desired + RolloutMath.MaxSurge(d) : 0;
        var toAdd = allowed - RolloutMath.SpecReplicas(active);
        var direction = "";
        if (toAdd > 0)
        {
            // Larger first, newer first among equals.
            active = active.OrderByDescending(RolloutMath.Replicas).ThenByDescending(rs => rs.Metadata?.CreationTimestamp).ThenByDescending(rs => rs.Metadata?.Name, StringComparer.Ordinal).ToList();
            direction = "up";
        }
        else if (toAdd < 0)
        {
            // Larger first, older first among equals.
            active = active.OrderByDescending(RolloutMath.Replicas).ThenBy(rs => rs.Metadata?.CreationTimestamp).ThenBy(rs => rs.Metadata?.Name, StringComparer.Ordinal).ToList();
            direction = "down";
        }

        var sizes = new Dictionary<string, int>(StringComparer.Ordinal);
        var added = 0;
        foreach (var rs in active)
        {
            var share = toAdd != 0 ? RolloutMath.Proportion(rs, d, toAdd, added) : 0;
            sizes[rs.Metadata!.Name!] = RolloutMath.Replicas(rs) + share;
            added += share;
        }

        for (var i = 0; i < active.Count; i++)
        {
            var rs = active[i];
            var name = rs.Metadata!.Name!;
            if (i == 0 && toAdd != 0)
            {
                sizes[name] = Math.Max(0, sizes[name] + toAdd - added);
            }

            await ScaleAsync(rs, sizes[name], d, direction, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RolloutRollingAsync(DeploymentSyncState state, List<ReplicaSetKind> replicaSets, CancellationToken cancellationToken)
    {
        var d = state.Deployment;
        var (newRs, oldRss) = await GetReplicaSetsAndSyncRevisionAsync(state, replicaSets, true, cancellationToken).ConfigureAwait(false);
        if (await ReconcileNewAsync(d, [.. oldRss, newRs], newRs!, cancellationToken).ConfigureAwait(false))
        {
            await SyncRolloutStatusAsync(state, [.. oldRss, newRs], newRs, cancellationToken).ConfigureAwait(false);
            return;
        }

        var (scaledDown, updatedOld) = await ReconcileOldAsync(d, RolloutMath.Active(oldRss), newRs!, cancellationToken).ConfigureAwait(false);
        var all = oldRss.Select(rs => updatedOld.FirstOrDefault(u => u.Metadata?.Uid == rs.Metadata?.Uid) ?? rs).Append(newRs).ToList();
        if (!scaledDown && DeploymentConditions.Complete(d, d.Status ?? new()))
        {
            await CleanupAsync(d, oldRss, cancellationToken).ConfigureAwait(false);
        }

        await SyncRolloutStatusAsync(state, all, newRs, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Grows the new ReplicaSet as far as the surge budget allows (or shrinks it to the desired count).</summary>
    private async Task<bool> ReconcileNewAsync(DeploymentKind d, List<ReplicaSetKind?> all, ReplicaSetKind newRs, CancellationToken cancellationToken)
    {
        var desired = RolloutMath.Replicas(d);
        var current = RolloutMath.Replicas(newRs);
        if (current == desired)
        {
            return false;
        }

        var size = current > desired ? desired : RolloutMath.NewReplicaSetSize(d, all, newRs);
        var (scaled, _) = await ScaleAndRecordAsync(newRs, size, d, cancellationToken).ConfigureAwait(false);
        return scaled;
    }

    /// <summary>
    /// Shrinks old ReplicaSets without going below desired - maxUnavailable available pods: first the replicas that
    /// are not available anyway (they cost no availability), then available ones, oldest ReplicaSet first.
    /// </summary>
    private async Task<(bool ScaledDown, List<ReplicaSetKind> Old)> ReconcileOldAsync(DeploymentKind d, List<ReplicaSetKind> oldRss, ReplicaSetKind newRs, CancellationToken cancellationToken)
    {
        if (RolloutMath.SpecReplicas(oldRss) == 0)
        {
            return (false, oldRss);
        }

        var all = oldRss.Append(newRs).ToList();
        var minAvailable = RolloutMath.Replicas(d) - RolloutMath.MaxUnavailable(d);
        var newUnavailable = RolloutMath.Replicas(newRs) - (newRs.Status?.AvailableReplicas ?? 0);
        var maxScaledDown = RolloutMath.SpecReplicas(all) - minAvailable - newUnavailable;
        if (maxScaledDown <= 0)
        {
            return (false, oldRss);
        }

        var old = Oldest(oldRss).ToList();
        var cleaned = 0;
        for (var i = 0; i < old.Count && cleaned < maxScaledDown; i++)
        {
            var rs = old[i];
            var unavailable = RolloutMath.Replicas(rs) - (rs.Status?.AvailableReplicas ?? 0);
            if (RolloutMath.Replicas(rs) == 0 || unavailable <= 0)
            {
                continue;
            }

            var count = Math.Min(maxScaledDown - cleaned, unavailable);
            (_, old[i]) = await ScaleAndRecordAsync(rs, RolloutMath.Replicas(rs) - count, d, cancellationToken).ConfigureAwait(false);
            cleaned += count;
        }

        var scaledDown = 0;
        var available = RolloutMath.RemainingAvailable(old.Append(newRs));
        var budget = available - minAvailable;
        for (var i = 0; i < old.Count && scaledDown < budget; i++)
        {
            var rs = old[i];
            if (RolloutMath.Replicas(rs) == 0)
            {
                continue;
            }

            var count = Math.Min(RolloutMath.Replicas(rs), budget - scaledDown);
            (_, old[i]) = await ScaleAndRecordAsync(rs, RolloutMath.Replicas(rs) - count, d, cancellationToken).ConfigureAwait(false);
            scaledDown += count;
        }

        return (cleaned + Math.Max(0, scaledDown) > 0, old);
    }

    /// <summary>Recreate: all old pods gone before the new ReplicaSet is scaled up at once.</summary>
    private async Task RolloutRecreateAsync(DeploymentSyncState state, List<ReplicaSetKind> replicaSets, CancellationToken cancellationToken)
    {
        var d = state.Deployment;
        var (newRs, oldRss) = await GetReplicaSetsAndSyncRevisionAsync(state, replicaSets, false, cancellationToken).ConfigureAwait(false);
        var scaledDown = false;
        var old = new List<ReplicaSetKind>();
        foreach (var rs in oldRss)
        {
            if (RolloutMath.Replicas(rs) > 0)
            {
                var (scaled, updated) = await ScaleAndRecordAsync(rs, 0, d, cancellationToken).ConfigureAwait(false);
                scaledDown |= scaled;
                old.Add(updated);
            }
            else
            {
                old.Add(rs);
            }
        }

        if (scaledDown || OldPodsRunning(d, newRs, old))
        {
            await SyncRolloutStatusAsync(state, [.. old, newRs], newRs, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (newRs is null)
        {
            (newRs, _) = await GetReplicaSetsAndSyncRevisionAsync(state, replicaSets, true, cancellationToken).ConfigureAwait(false);
        }

        if (newRs is not null)
        {
            (_, newRs) = await ScaleAndRecordAsync(newRs, RolloutMath.Replicas(d), d, cancellationToken).ConfigureAwait(false);
        }

        if (DeploymentConditions.Complete(d, d.Status ?? new()))
        {
            await CleanupAsync(d, old, cancellationToken).ConfigureAwait(false);
        }

        await SyncRolloutStatusAsync(state, [.. old, newRs], newRs, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether any old ReplicaSet still reports pods, or any pod of one is still not finished.</summary>
    private bool OldPodsRunning(DeploymentKind d, ReplicaSetKind? newRs, List<ReplicaSetKind> oldRss)
    {
        if (RolloutMath.StatusReplicas(oldRss) > 0)
        {
            return true;
        }

        var oldUids = oldRss.Select(rs => rs.Metadata?.Uid).Where(uid => uid is not null && uid != newRs?.Metadata?.Uid).ToHashSet(StringComparer.Ordinal);
        return _pods.List().Any(pod => pod.Metadata?.Namespace == d.Metadata!.Namespace
            && OwnerOfPod(pod) is { } uid && oldUids.Contains(uid)
            && pod.Status?.Phase is not ("Succeeded" or "Failed"));
    }

    private static string? OwnerOfPod(Pod pod) =>
        Runtime.OwnerReferences.ControllerOf(pod.Metadata) is { Kind: "ReplicaSet" } reference ? reference.Uid : null;
}
