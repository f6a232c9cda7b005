namespace Shim.Controllers.Autoscaling;

/// <summary>Where the HPA controller reads pod resource usage: metrics.k8s.io, or figures a test feeds.</summary>
public interface IPodMetricsSource
{
    Task<IReadOnlyList<PodMetrics>> ListAsync(string @namespace, string labelSelector, CancellationToken cancellationToken);
}
