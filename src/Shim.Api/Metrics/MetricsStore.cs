using System.Text.Json.Nodes;

namespace Shim.Api.Metrics;

/// <summary>
/// The last two scrapes of every node and container, and the usage computed from them as metrics-server computes it:
/// CPU = growth of cumulative CPU between the two points / the time between them (the window), memory = the last
/// working set. A container restarted between the points starts over; a container younger than one resolution (but at
/// least 10 s old) is measured from its start, so a fresh pod has metrics after one scrape.
/// </summary>
public sealed class MetricsStore(TimeProvider clock)
{
    /// <summary>How often the API server scrapes the agents (metrics-server's --metric-resolution default).</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan FreshContainerMinimum = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private Dictionary<string, MetricsPoint> _lastNodes = new(StringComparer.Ordinal);
    private Dictionary<string, MetricsPoint> _prevNodes = new(StringComparer.Ordinal);
    private Dictionary<PodKey, Dictionary<string, MetricsPoint>> _lastPods = [];
    private Dictionary<PodKey, Dictionary<string, MetricsPoint>> _prevPods = [];

    public void Store(ScrapeBatch batch)
    {
        lock (_lock)
        {
            StoreNodes(batch);
            StorePods(batch);
        }
    }

    /// <summary>NodeMetrics (v1beta1) for those of <paramref name="nodes"/> that have two points, by name.</summary>
    public List<JsonObject> NodeMetrics(IEnumerable<(string Name, IReadOnlyDictionary<string, string> Labels)> nodes)
    {
        var now = clock.GetUtcNow();
        var items = new List<JsonObject>();
        lock (_lock)
        {
            foreach (var (name, labels) in nodes.OrderBy(n => n.Name, StringComparer.Ordinal))
            {
                if (!_lastNodes.TryGetValue(name, out var last) || !_prevNodes.TryGetValue(name, out var prev) || Usage(last, prev) is not { } usage)
                {
                    continue;
                }

                items.Add(new JsonObject
                {
                    ["metadata"] = Metadata(name, null, labels, now),
                    ["timestamp"] = Times(usage.Timestamp),
                    ["window"] = MetricsFormat.GoDuration(usage.Window),
                    ["usage"] = usage.Resources,
                });
            }
        }

        return items;
    }

    /// <summary>PodMetrics (v1beta1) for those of <paramref name="pods"/> whose every container has two points, by namespace and name.</summary>
    public List<JsonObject> PodMetrics(IEnumerable<(PodKey Pod, IReadOnlyDictionary<string, string> Labels)> pods)
    {
        var now = clock.GetUtcNow();
        var items = new List<JsonObject>();
        lock (_lock)
        {
            foreach (var (pod, labels) in pods.OrderBy(p => p.Pod.Namespace, StringComparer.Ordinal).ThenBy(p => p.Pod.Name, StringComparer.Ordinal))
            {
                if (!_lastPods.TryGetValue(pod, out var last) || !_prevPods.TryGetValue(pod, out var prev) || !last.Keys.All(prev.ContainsKey))
                {
                    continue;
                }

                var containers = new JsonArray();
                (DateTimeOffset Timestamp, TimeSpan Window)? earliest = null;
                foreach (var (container, point) in last.OrderBy(c => c.Key, StringComparer.Ordinal))
                {
                    if (Usage(point, prev[container]) is not { } usage)
                    {
                        continue;
                    }

                    containers.Add(new JsonObject { ["name"] = container, ["usage"] = usage.Resources });
                    if (earliest is null || usage.Timestamp < earliest.Value.Timestamp)
                    {
                        earliest = (usage.Timestamp, usage.Window);
                    }
                }

                items.Add(new JsonObject
                {
                    ["metadata"] = Metadata(pod.Name, pod.Namespace, labels, now),
                    ["timestamp"] = Times(earliest?.Timestamp ?? default),
                    ["window"] = MetricsFormat.GoDuration(earliest?.Window ?? TimeSpan.Zero),
                    ["containers"] = containers,
                });
            }
        }

        return items;
    }

    private void StoreNodes(ScrapeBatch batch)
    {
        var last = new Dictionary<string, MetricsPoint>(StringComparer.Ordinal);
        var prev = new Dictionary<string, MetricsPoint>(StringComparer.Ordinal);
        foreach (var (name, point) in batch.Nodes)
        {
            last[name] = point;
            if (!_lastNodes.TryGetValue(name, out var stored))
            {
                continue;
            }

            if (point.Timestamp > stored.Timestamp)
            {
                prev[name] = stored;
            }
            else if (_prevNodes.TryGetValue(name, out var older) && older.Timestamp < point.Timestamp)
            {
                // The same sample again (the agent's cache): keep the older point so the window stays whole.
                prev[name] = older;
            }
        }

        _lastNodes = last;
        _prevNodes = prev;
    }

    private void StorePods(ScrapeBatch batch)
    {
        var lastPods = new Dictionary<PodKey, Dictionary<string, MetricsPoint>>();
        var prevPods = new Dictionary<PodKey, Dictionary<string, MetricsPoint>>();
        foreach (var (pod, containers) in batch.Pods)
        {
            var last = new Dictionary<string, MetricsPoint>(StringComparer.Ordinal);
            var prev = new Dictionary<string, MetricsPoint>(StringComparer.Ordinal);
            _lastPods.TryGetValue(pod, out var storedPod);
            _prevPods.TryGetValue(pod, out var olderPod);
            foreach (var (container, point) in containers)
            {
                last[container] = point;
                var age = point.Timestamp - point.StartTime;
                if (point.StartTime != default && point.StartTime < point.Timestamp && age < Resolution && age >= FreshContainerMinimum)
                {
                    // A young container: its start is a point with zero CPU.
                    prev[container] = point with { Timestamp = point.StartTime, CumulativeCpuNanos = 0 };
                }
                else if (storedPod is not null && storedPod.TryGetValue(container, out var stored) && point.StartTime < stored.Timestamp)
                {
                    if (point.Timestamp > stored.Timestamp)
                    {
                        prev[container] = stored;
                    }
                    else if (olderPod is not null && olderPod.TryGetValue(container, out var older) && older.Timestamp < point.Timestamp)
                    {
                        prev[container] = older;
                    }
                }
            }

            if (prev.Count > 0)
            {
                prevPods[pod] = prev;
            }

            lastPods[pod] = last;
        }

        _lastPods = lastPods;
        _prevPods = prevPods;
    }

    private static (JsonObject Resources, DateTimeOffset Timestamp, TimeSpan Window)? Usage(MetricsPoint last, MetricsPoint prev)
    {
        var window = last.Timestamp - prev.Timestamp;
        if (last.StartTime < prev.StartTime || last.CumulativeCpuNanos < prev.CumulativeCpuNanos || window <= TimeSpan.Zero)
        {
            return null;
        }

        var nanocores = (ulong)((last.CumulativeCpuNanos - prev.CumulativeCpuNanos) / window.TotalSeconds);
        var resources = new JsonObject { ["cpu"] = MetricsFormat.Cpu(nanocores), ["memory"] = MetricsFormat.Memory(last.MemoryBytes) };
        return (resources, last.Timestamp, window);
    }

    private static JsonObject Metadata(string name, string? ns, IReadOnlyDictionary<string, string> labels, DateTimeOffset now)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (ns is not null)
        {
            metadata["namespace"] = ns;
        }

        metadata["creationTimestamp"] = Times(now);
        if (labels.Count > 0)
        {
            metadata["labels"] = new JsonObject(labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value)));
        }

        return metadata;
    }

    private static string Times(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
