using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Shim.Agent.Pods;
using Shim.Docker;

namespace Shim.Agent.Stats;

/// <summary>
/// The kubelet's /metrics/resource, which metrics-server scrapes: node, pod and container CPU (cumulative
/// core-seconds) and memory working set, each sample with its millisecond timestamp, plus container start times.
/// Containers are this node's pod containers in Docker (by their io.kubernetes.* labels); pod figures add the
/// sandbox, as a pod cgroup would. Stats calls run in parallel (bounded), and one rendering serves every scrape
/// for <see cref="CacheFor"/>, so frequent scrapes stay cheap.
/// </summary>
public sealed class ResourceMetrics(IDockerClient docker, string nodeName, TimeProvider time, Func<(double CpuSeconds, ulong WorkingSetBytes)>? host = null)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    private const int MaxParallelStats = 8;

    private readonly Func<(double CpuSeconds, ulong WorkingSetBytes)> _host = host ?? HostStats.Read;
    private readonly SemaphoreSlim _rendering = new(1, 1);
    private (string Text, DateTimeOffset At)? _cached;

    public async Task ServeAsync(HttpContext context)
    {
        var text = await RenderAsync(context.RequestAborted).ConfigureAwait(false);
        context.Response.ContentType = PrometheusText.ContentType;
        await context.Response.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
    }

    public async Task<string> RenderAsync(CancellationToken cancellationToken)
    {
        await _rendering.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            if (_cached is { } cached && now - cached.At < CacheFor)
            {
                return cached.Text;
            }

            var text = Render(await CollectAsync(cancellationToken).ConfigureAwait(false), now);
            _cached = (text, now);
            return text;
        }
        finally
        {
            _rendering.Release();
        }
    }

    /// <summary>Samples of every running pod container and sandbox of this node.</summary>
    public async Task<IReadOnlyList<ContainerSample>> CollectAsync(CancellationToken cancellationToken)
    {
        var listed = await docker.ListContainersAsync(new Dictionary<string, string> { [ContainerLabels.Node] = nodeName }, all: false, cancellationToken).ConfigureAwait(false);
        using var gate = new SemaphoreSlim(MaxParallelStats);
        var samples = await Task.WhenAll(listed.Select(async summary =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await SampleAsync(summary, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        })).ConfigureAwait(false);
        return samples.OfType<ContainerSample>().ToList();
    }

    private async Task<ContainerSample?> SampleAsync(JsonObject summary, CancellationToken cancellationToken)
    {
        var labels = summary["Labels"] as JsonObject;
        var type = labels?[ContainerLabels.DockerType]?.GetValue<string>();
        var pod = labels?[ContainerLabels.PodName]?.GetValue<string>();
        var ns = labels?[ContainerLabels.PodNamespace]?.GetValue<string>();
        var container = labels?[ContainerLabels.ContainerName]?.GetValue<string>() ?? "";
        var id = summary["Id"]?.GetValue<string>();
        if (id is null || pod is null || ns is null || type is not (ContainerLabels.TypeContainer or ContainerLabels.TypeSandbox))
        {
            return null;
        }

        JsonObject? stats;
        try
        {
            stats = await docker.StatsAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerException)
        {
            // Gone or stopping between the list and the stats call: it is simply not in this scrape.
            return null;
        }

        if (stats is null)
        {
            return null;
        }

        // A pod container is created just before it starts (a restart is a new container), so its creation time
        // stands in for the start time without another inspect call.
        var created = summary["Created"]?.GetValue<long>() is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : default;
        return new ContainerSample(ns, pod, container, type == ContainerLabels.TypeSandbox, DockerStatsReading.CpuSeconds(stats),
            DockerStatsReading.WorkingSet(stats), DockerStatsReading.ReadAt(stats, time.GetUtcNow()), created);
    }

    private string Render(IReadOnlyList<ContainerSample> samples, DateTimeOffset now)
    {
        var text = new PrometheusText();
        var (nodeCpu, nodeMemory) = _host();
        text.Family("node_cpu_usage_seconds_total", "counter", "[STABLE] Cumulative cpu time consumed by the node in core-seconds");
        text.Sample("node_cpu_usage_seconds_total", [], nodeCpu, now);
        text.Family("node_memory_working_set_bytes", "gauge", "[STABLE] Current working set of the node in bytes");
        text.Sample("node_memory_working_set_bytes", [], nodeMemory, now);

        var containers = samples.Where(s => !s.Sandbox).OrderBy(s => s.Namespace, StringComparer.Ordinal)
            .ThenBy(s => s.Pod, StringComparer.Ordinal).ThenBy(s => s.Container, StringComparer.Ordinal).ToList();
        text.Family("container_start_time_seconds", "gauge", "[STABLE] Start time of the container since unix epoch in seconds");
        foreach (var c in containers.Where(c => c.StartTime != default))
        {
            text.Sample("container_start_time_seconds", ContainerLabelsOf(c), c.StartTime.ToUnixTimeMilliseconds() / 1000.0, null);
        }

        text.Family("container_cpu_usage_seconds_total", "counter", "[STABLE] Cumulative cpu time consumed by the container in core-seconds");
        foreach (var c in containers)
        {
            text.Sample("container_cpu_usage_seconds_total", ContainerLabelsOf(c), c.CpuSeconds, c.Timestamp);
        }

        text.Family("container_memory_working_set_bytes", "gauge", "[STABLE] Current working set of the container in bytes");
        foreach (var c in containers)
        {
            text.Sample("container_memory_working_set_bytes", ContainerLabelsOf(c), c.WorkingSetBytes, c.Timestamp);
        }

        var pods = samples.GroupBy(s => (s.Namespace, s.Pod)).OrderBy(g => g.Key.Namespace, StringComparer.Ordinal).ThenBy(g => g.Key.Pod, StringComparer.Ordinal).ToList();
        text.Family("pod_cpu_usage_seconds_total", "counter", "[STABLE] Cumulative cpu time consumed by the pod in core-seconds");
        foreach (var pod in pods)
        {
            text.Sample("pod_cpu_usage_seconds_total", [("pod", pod.Key.Pod), ("namespace", pod.Key.Namespace)], pod.Sum(s => s.CpuSeconds), pod.Max(s => s.Timestamp));
        }

        text.Family("pod_memory_working_set_bytes", "gauge", "[STABLE] Current working set of the pod in bytes");
        foreach (var pod in pods)
        {
            text.Sample("pod_memory_working_set_bytes", [("pod", pod.Key.Pod), ("namespace", pod.Key.Namespace)], pod.Aggregate(0UL, (sum, s) => sum + s.WorkingSetBytes), pod.Max(s => s.Timestamp));
        }

        text.Family("resource_scrape_error", "gauge", "[STABLE] 1 if there was an error while getting container metrics, 0 otherwise");
        text.Sample("resource_scrape_error", [], 0, null);
        return text.ToString();
    }

    private static (string, string)[] ContainerLabelsOf(ContainerSample c) => [("container", c.Container), ("pod", c.Pod), ("namespace", c.Namespace)];
}
