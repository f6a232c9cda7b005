using Shim.Controllers.Runtime;
using Shim.Controllers.ReplicaSets;
using Shim.Model.Apps.V1;
using DeploymentKind = Shim.Model.Apps.V1.Deployment;

namespace Shim.Controllers.Deployments;

/// <summary>
/// One sync's working copy of a Deployment, and the status the API server holds for it, so every status write is
/// the difference between the two (several steps of one sync may each write).
/// </summary>
internal sealed class DeploymentSyncState(DeploymentKind cached)
{
    public DeploymentKind Deployment { get; } = ModelCopy.Of(cached);

    public DeploymentStatus Written { get; set; } = cached.Status is null ? new DeploymentStatus() : ModelCopy.Of(cached.Status);
}
