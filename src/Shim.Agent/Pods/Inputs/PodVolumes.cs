using Shim.Model.Core.V1;

namespace Shim.Agent.Pods.Inputs;

/// <summary>
/// Materializes a pod's volumes on the host under <c>{podsRoot}/{podUid}/volumes/...</c> so containers can bind-mount
/// them: emptyDir (tmpfs for medium Memory), configMap, secret, downwardAPI, projected, hostPath.
/// </summary>
public sealed class PodVolumes
{
    public PodVolumes(IClusterReader cluster, string podsRoot)
    {
        Cluster = cluster;
        PodsRoot = podsRoot;
    }

    public IClusterReader Cluster { get; }

    public string PodsRoot { get; }

    /// <summary>Creates or refreshes every volume of the pod; throws <see cref="PodInputException"/> when one cannot be set up.</summary>
    public Task<IReadOnlyDictionary<string, PreparedVolume>> PrepareAsync(Pod pod, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>Unmounts and deletes everything materialized for the pod.</summary>
    public Task CleanupAsync(string podUid, CancellationToken cancellationToken) => throw new NotImplementedException();
}
