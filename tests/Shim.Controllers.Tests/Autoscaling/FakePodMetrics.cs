using System.Collections.Concurrent;
using Shim.Controllers.Autoscaling;
using Shim.Model;
using Shim.Model.Meta.V1;

namespace Shim.Controllers.Tests.Autoscaling;

/// <summary>Pod CPU usage a test sets by hand (millicores per pod), served as metrics.k8s.io would, stamped with the test clock.</summary>
public sealed class FakePodMetrics(TimeProvider clock) : IPodMetricsSource
{
    public ConcurrentDictionary<string, long> CpuMillis { get; } = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<PodMetrics>> ListAsync(string @namespace, string labelSelector, CancellationToken cancellationToken)
    {
        IReadOnlyList<PodMetrics> items = CpuMillis.Select(p => new PodMetrics
        {
            Metadata = new ObjectMeta { Name = p.Key, Namespace = @namespace },
            Timestamp = clock.GetUtcNow(),
            Window = "15s",
            Containers = [new ContainerMetrics { Name = "app", Usage = new Dictionary<string, Quantity> { ["cpu"] = $"{p.Value}m", ["memory"] = "10Mi" } }],
        }).ToList();
        return Task.FromResult(items);
    }
}
