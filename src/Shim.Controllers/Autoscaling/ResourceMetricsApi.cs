using Shim.Client;

namespace Shim.Controllers.Autoscaling;

/// <summary>Lists PodMetrics from metrics.k8s.io/v1beta1 through the API server, as upstream's resource metrics client.</summary>
public sealed class ResourceMetricsApi(KubeClient client) : IPodMetricsSource
{
    public async Task<IReadOnlyList<PodMetrics>> ListAsync(string @namespace, string labelSelector, CancellationToken cancellationToken) =>
        (await client.ListAsync<PodMetrics>(PodMetrics.Path(@namespace), new ListQuery(labelSelector), cancellationToken).ConfigureAwait(false)).Items;
}
