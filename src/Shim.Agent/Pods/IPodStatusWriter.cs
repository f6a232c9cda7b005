using Shim.Model.Core.V1;

namespace Shim.Agent.Pods;

/// <summary>Where the pod runtime reports (the agent implements it over the API client).</summary>
public interface IPodStatusWriter
{
    /// <summary>Writes the pod's status subresource (only when it changed: the caller may call this on every sync).</summary>
    Task WriteStatusAsync(Pod pod, PodStatus status, CancellationToken cancellationToken);

    /// <summary>
    /// Ends a graceful deletion once every container of the pod has stopped: DELETE with gracePeriodSeconds=0 and a
    /// uid precondition, as the kubelet does.
    /// </summary>
    Task FinishDeletionAsync(Pod pod, CancellationToken cancellationToken);
}
