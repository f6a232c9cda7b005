using System.Globalization;

namespace Shim.Api.Metrics;

/// <summary>
/// Reads an agent's /metrics/resource (Prometheus text format) into a <see cref="ScrapeBatch"/>, taking the series
/// metrics-server takes: node_cpu_usage_seconds_total, node_memory_working_set_bytes,
/// container_cpu_usage_seconds_total, container_memory_working_set_bytes and container_start_time_seconds.
/// Samples without a timestamp get the scrape time. Incomplete points are dropped as metrics-server drops them:
/// a node without CPU or memory, and a pod any of whose containers lacks CPU or memory.
/// </summary>
public static class ResourceMetricsText
{
    public static ScrapeBatch Parse(string text, DateTimeOffset scrapeTime, string nodeName)
    {
        var batch = new ScrapeBatch();
        var node = new MetricsPoint();
        var pods = new Dictionary<PodKey, Dictionary<string, MetricsPoint>>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#' || !TryParseSample(line, out var sample))
            {
                continue;
            }

            var time = sample.TimestampMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : scrapeTime;
            switch (sample.Name)
            {
                case "node_cpu_usage_seconds_total":
                    node = node with { CumulativeCpuNanos = Nanos(sample.Value), Timestamp = time };
                    break;
                case "node_memory_working_set_bytes":
                    node = node with { MemoryBytes = Whole(sample.Value), Timestamp = time };
                    break;
                case "container_cpu_usage_seconds_total":
                    Update(pods, sample, p => p with { CumulativeCpuNanos = Nanos(sample.Value), Timestamp = time });
                    break;
                case "container_memory_working_set_bytes":
                    Update(pods, sample, p => p with { MemoryBytes = Whole(sample.Value), Timestamp = time });
                    break;
                case "container_start_time_seconds":
                    Update(pods, sample, p => p with { StartTime = FromSeconds(sample.Value) });
                    break;
            }
        }

        if (node.Timestamp != default && node.CumulativeCpuNanos > 0 && node.MemoryBytes > 0)
        {
            batch.Nodes[nodeName] = node;
        }

        foreach (var (pod, containers) in pods)
        {
            if (containers.Count > 0 && containers.Values.All(c => c.CumulativeCpuNanos > 0 && c.MemoryBytes > 0 && c.Timestamp != default))
            {
                batch.Pods[pod] = containers;
            }
        }

        return batch;
    }

    private static void Update(Dictionary<PodKey, Dictionary<string, MetricsPoint>> pods, Sample sample, Func<MetricsPoint, MetricsPoint> change)
    {
        var container = sample.Labels.GetValueOrDefault("container");
        var name = sample.Labels.GetValueOrDefault("pod");
        var ns = sample.Labels.GetValueOrDefault("namespace");
        if (string.IsNullOrEmpty(container) || string.IsNullOrEmpty(name) || ns is null)
        {
            return;
        }

        var key = new PodKey(ns, name);
        if (!pods.TryGetValue(key, out var containers))
        {
            pods[key] = containers = new Dictionary<string, MetricsPoint>(StringComparer.Ordinal);
        }

        containers[container] = change(containers.GetValueOrDefault(container));
    }

    private static ulong Nanos(double seconds) => seconds is > 0 and < ulong.MaxValue / 1e9 ? (ulong)(seconds * 1e9) : 0;

    private static ulong Whole(double value) => value is > 0 and < ulong.MaxValue ? (ulong)value : 0;

    private static DateTimeOffset FromSeconds(double seconds) =>
        seconds > 0 ? DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond)) : default;

    /// <summary>One line <c>name{label="value",...} value [timestamp-ms]</c>.</summary>
    internal static bool TryParseSample(string line, out Sample sample)
    {
        sample = default;
        var i = 0;
        while (i < line.Length && line[i] is not ('{' or ' ' or '\t'))
        {
            i++;
        }

        var name = line[..i];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                while (i < line.Length && line[i] is ' ' or ',')
                {
                    i++;
                }

                if (i >= line.Length)
                {
                    return false;
                }

                if (line[i] == '}')
                {
                    i++;
                    break;
                }

                var eq = line.IndexOf('=', i);
                if (eq < 0 || eq + 1 >= line.Length || line[eq + 1] != '"')
                {
                    return false;
                }

                var label = line[i..eq].Trim();
                i = eq + 2;
                var value = new System.Text.StringBuilder();
                while (i < line.Length && line[i] != '"')
                {
                    if (line[i] == '\\' && i + 1 < line.Length)
                    {
                        i++;
                        value.Append(line[i] == 'n' ? '\n' : line[i]);
                    }
                    else
                    {
                        value.Append(line[i]);
                    }

                    i++;
                }

                if (i >= line.Length)
                {
                    return false;
                }

                i++;
                labels[label] = value.ToString();
            }
        }

        var rest = line[i..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (name.Length == 0 || rest.Length is 0 or > 2 || !TryParseValue(rest[0], out var number))
        {
            return false;
        }

        long? timestamp = null;
        if (rest.Length == 2)
        {
            if (!long.TryParse(rest[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms))
            {
                return false;
            }

            timestamp = ms;
        }

        sample = new Sample(name, labels, number, timestamp);
        return true;
    }

    private static bool TryParseValue(string text, out double value)
    {
        switch (text)
        {
            case "+Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            case "NaN":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    internal readonly record struct Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value, long? TimestampMs);
}
