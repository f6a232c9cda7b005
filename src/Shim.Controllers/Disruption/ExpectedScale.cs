using Shim.Client;
using Shim.Controllers.Runtime;
using Shim.Model.Autoscaling.V1;
using Shim.Model.Core.V1;

namespace Shim.Controllers.Disruption;

// Aliases inside the namespace: sibling controller namespaces (Shim.Controllers.ReplicaSet, ...) would hide the kinds.
using Deployment = Shim.Model.Apps.V1.Deployment;
using ReplicaSet = Shim.Model.Apps.V1.ReplicaSet;
using StatefulSet = Shim.Model.Apps.V1.StatefulSet;

/// <summary>
/// How many pods a budget's pods' controllers want: the sum of each distinct controller's replicas, as upstream's
/// finders (ReplicationController, Deployment through its ReplicaSet, ReplicaSet, StatefulSet, else any kind with a
/// /scale subresource). Pods without a controller are reported as unmanaged and not counted.
/// </summary>
public sealed class ExpectedScale(KubeClient client, SharedInformers informers)
{
    private readonly Informer<ReplicaSet> _replicaSets = informers.Get<ReplicaSet>();
    private readonly Informer<Deployment> _deployments = informers.Get<Deployment>();
    private readonly Informer<StatefulSet> _statefulSets = informers.Get<StatefulSet>();
    private readonly Informer<ReplicationController> _replicationControllers = informers.Get<ReplicationController>();

    public IEnumerable<Task> Synced => [_replicaSets.Synced, _deployments.Synced, _statefulSets.Synced, _replicationControllers.Synced];

    /// <summary>Lets a change of any workload's scale reach the budgets in its namespace.</summary>
    public void OnScaleChange(Action<string> namespaceChanged)
    {
        _replicaSets.OnChange(o => namespaceChanged(o.Metadata!.Namespace!));
        _deployments.OnChange(o => namespaceChanged(o.Metadata!.Namespace!));
        _statefulSets.OnChange(o => namespaceChanged(o.Metadata!.Namespace!));
        _replicationControllers.OnChange(o => namespaceChanged(o.Metadata!.Namespace!));
    }

    /// <summary>The expected count and the names of unmanaged pods; throws when a pod's controller cannot be found.</summary>
    public async Task<(int Expected, List<string> Unmanaged)> OfAsync(IEnumerable<Pod> pods, CancellationToken cancellationToken)
    {
        var scales = new Dictionary<string, int>(StringComparer.Ordinal);
        var unmanaged = new List<string>();
        foreach (var pod in pods)
        {
            var reference = OwnerReferences.ControllerOf(pod.Metadata);
            if (reference is null)
            {
                unmanaged.Add(pod.Metadata!.Name!);
                continue;
            }

            if (scales.ContainsKey(reference.Uid ?? ""))
            {
                continue;
            }

            var found = await FindAsync(reference, pod.Metadata!.Namespace!, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"found no controllers for pod \"{pod.Metadata.Name}\"");
            scales[found.Uid] = found.Scale;
        }

        return (scales.Values.Sum(), unmanaged);
    }

    private async Task<(string Uid, int Scale)?> FindAsync(Model.Meta.V1.OwnerReference reference, string ns, CancellationToken cancellationToken)
    {
        var group = reference.ApiVersion?.Contains('/', StringComparison.Ordinal) == true ? reference.ApiVersion[..reference.ApiVersion.IndexOf('/', StringComparison.Ordinal)] : "";
        switch (group, reference.Kind)
        {
            case ("", "ReplicationController"):
                return _replicationControllers.Get(ns, reference.Name!) is { } rc && rc.Metadata!.Uid == reference.Uid
                    ? (rc.Metadata.Uid!, rc.Spec?.Replicas ?? 1)
                    : null;
            case ("apps", "ReplicaSet"):
                if (_replicaSets.Get(ns, reference.Name!) is not { } rs || rs.Metadata!.Uid != reference.Uid)
                {
                    return null;
                }

                // A Deployment's ReplicaSets come and go during rollouts: the Deployment's scale is what counts.
                if (OwnerReferences.ControllerOf(rs.Metadata) is { Kind: "Deployment" } owner && owner.ApiVersion?.StartsWith("apps/", StringComparison.Ordinal) == true)
                {
                    return _deployments.Get(ns, owner.Name!) is { } deployment && deployment.Metadata!.Uid == owner.Uid
                        ? (deployment.Metadata.Uid!, deployment.Spec?.Replicas ?? 1)
                        : null;
                }

                return (rs.Metadata.Uid!, rs.Spec?.Replicas ?? 1);
            case ("apps", "StatefulSet"):
                return _statefulSets.Get(ns, reference.Name!) is { } sts && sts.Metadata!.Uid == reference.Uid
                    ? (sts.Metadata.Uid!, sts.Spec?.Replicas ?? 1)
                    : null;
        }

        // Any other controller with a /scale subresource (custom resources).
        var version = reference.ApiVersion?[(reference.ApiVersion.IndexOf('/', StringComparison.Ordinal) + 1)..] ?? "v1";
        var path = new ResourcePath(group, version, ResourcePath.Plural(reference.Kind ?? ""), ns, reference.Name, "scale");
        var scale = await client.GetAsync<Scale>(path, cancellationToken).ConfigureAwait(false);
        return scale?.Metadata?.Uid is { } uid && uid == reference.Uid ? (uid, scale.Spec?.Replicas ?? 0) : null;
    }
}
