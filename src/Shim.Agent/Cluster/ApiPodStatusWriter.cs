using System.Collections.Concurrent;
using Shim.Agent.Pods;
using Shim.Client;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;

namespace Shim.Agent.Cluster;

/// <summary>Writes pod status through pods/status with a merge patch of what changed since the last write.</summary>
public sealed class ApiPodStatusWriter(KubeClient client) : IPodStatusWriter
{
    private readonly ConcurrentDictionary<string, PodStatus> _written = new(StringComparer.Ordinal);

    public async Task WriteStatusAsync(Pod pod, PodStatus status, CancellationToken cancellationToken)
    {
        var uid = pod.Metadata?.Uid ?? "";
        var before = _written.TryGetValue(uid, out var last) ? last : pod.Status;
        var patch = StatusPatch.Between(before, status);
        if (patch is null)
        {
            _written[uid] = status;
            return;
        }

        try
        {
            var path = ResourcePath.For<Pod>(pod.Metadata?.Namespace, pod.Metadata?.Name, "status");
            // The uid precondition keeps a status meant for a deleted pod off a new pod of the same name.
            var withUid = patch.Insert(1, $"\"metadata\":{{\"uid\":\"{uid}\"}},");
            var updated = await client.PatchAsync<Pod>(path, KubeClient.MergePatch, withUid, cancellationToken).ConfigureAwait(false);
            _written[uid] = updated.Status ?? status;
        }
        catch (ApiError e) when (e.IsNotFound || e.IsConflict || e.Code == 422)
        {
            // Gone, or replaced by a pod of the same name (uid mismatch): nothing of ours to report on.
            Forget(uid);
        }
    }

    public async Task FinishDeletionAsync(Pod pod, CancellationToken cancellationToken)
    {
        var options = new DeleteOptions { GracePeriodSeconds = 0, Preconditions = new Preconditions { Uid = pod.Metadata?.Uid } };
        try
        {
            await client.DeleteAsync(ResourcePath.For<Pod>(pod.Metadata?.Namespace, pod.Metadata?.Name), options, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiError e) when (e.IsConflict)
        {
            // Another pod of the same name already: ours is gone.
        }

        Forget(pod.Metadata?.Uid ?? "");
    }

    /// <summary>Drops what is remembered of a pod that left this node.</summary>
    public void Forget(string uid) => _written.TryRemove(uid, out _);
}
