namespace Shim.Api.Metrics;

/// <summary>What one scrape round (of one or many agents) read: node points by node name, container points by pod.</summary>
public sealed class ScrapeBatch
{
    public Dictionary<string, MetricsPoint> Nodes { get; } = new(StringComparer.Ordinal);

    public Dictionary<PodKey, Dictionary<string, MetricsPoint>> Pods { get; } = [];

    /// <summary>Adds another agent's batch; a pod or node seen twice keeps its first point.</summary>
    public void Merge(ScrapeBatch other)
    {
        foreach (var (node, point) in other.Nodes)
        {
            Nodes.TryAdd(node, point);
        }

        foreach (var (pod, containers) in other.Pods)
        {
            Pods.TryAdd(pod, containers);
        }
    }
}
