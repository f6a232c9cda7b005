using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Shim.Agent.Pods;
using Shim.Agent.Stats;
using Shim.Docker;

namespace Shim.Agent.Tests.Stats;

/// <summary>/metrics/resource against the real dockerd: a pod with a busy container and its sandbox.</summary>
public sealed partial class ResourceMetricsDockerTests : IAsyncLifetime
{
    private readonly IDockerClient _docker = new DockerClient("unix:///var/run/docker.sock");
    private readonly string _node = "stats-test-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<string> _containers = [];

    public async Task InitializeAsync()
    {
        foreach (var image in new[] { "shim/busybox:1.35", "shim/pause:3.10" })
        {
            if (await _docker.InspectImageAsync(image, CancellationToken.None) is null)
            {
                throw new InvalidOperationException($"image {image} is missing: run scripts/build-images.sh");
            }
        }

        await RunAsync("shim/pause:3.10", null, ContainerLabels.TypeSandbox, "POD");
        await RunAsync("shim/busybox:1.35", new JsonArray("sh", "-c", "while :; do :; done"), ContainerLabels.TypeContainer, "burner");
        await RunAsync("shim/busybox:1.35", new JsonArray("sleep", "3600"), ContainerLabels.TypeContainer, "idle");
    }

    public async Task DisposeAsync()
    {
        foreach (var id in _containers)
        {
            await _docker.RemoveContainerAsync(id, force: true, removeVolumes: true, CancellationToken.None);
        }

        _docker.Dispose();
    }

    [Fact]
    public async Task A_busy_container_shows_growing_cpu_in_parseable_prometheus_text()
    {
        const string burner = "container_cpu_usage_seconds_total{container=\"burner\",pod=\"web\",namespace=\"shop\"}";
        var before = Parse(await new ResourceMetrics(_docker, _node, TimeProvider.System, () => (1234.5, 8L << 30)).RenderAsync(CancellationToken.None));
        // The burner's share of a busy CI machine varies, so read again until it has used 0.3 s more (bounded).
        string second;
        Dictionary<string, (double Value, long? TimestampMs)> after;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await Task.Delay(500);
            second = await new ResourceMetrics(_docker, _node, TimeProvider.System, () => (1240.5, 8L << 30)).RenderAsync(CancellationToken.None);
            after = Parse(second);
        }
        while (after[burner].Value <= before[burner].Value + 0.3 && DateTime.UtcNow < deadline);

        Assert.True(after[burner].Value > before[burner].Value + 0.3, $"cpu {before[burner].Value} -> {after[burner].Value}");
        Assert.NotNull(after[burner].TimestampMs);
        Assert.True(after["container_memory_working_set_bytes{container=\"idle\",pod=\"web\",namespace=\"shop\"}"].Value > 0);
        Assert.True(after.ContainsKey("container_start_time_seconds{container=\"idle\",pod=\"web\",namespace=\"shop\"}"));
        // The sandbox is no container of the pod, but counts towards the pod.
        Assert.DoesNotContain(after.Keys, k => k.Contains("container=\"POD\"", StringComparison.Ordinal));
        Assert.True(after["pod_cpu_usage_seconds_total{pod=\"web\",namespace=\"shop\"}"].Value >= after[burner].Value);
        Assert.True(after.ContainsKey("pod_memory_working_set_bytes{pod=\"web\",namespace=\"shop\"}"));
        Assert.Equal(1240.5, after["node_cpu_usage_seconds_total"].Value);
        Assert.Equal(8L << 30, after["node_memory_working_set_bytes"].Value);
        Assert.NotNull(after["node_memory_working_set_bytes"].TimestampMs);
        Assert.Contains("# TYPE container_cpu_usage_seconds_total counter", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Containers_of_other_nodes_are_not_reported()
    {
        var text = await new ResourceMetrics(_docker, "some-other-node", TimeProvider.System, () => (1, 1)).RenderAsync(CancellationToken.None);
        Assert.DoesNotContain("pod=\"web\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_figures_come_from_proc_stat_and_meminfo()
    {
        Assert.Equal(12.34, HostStats.CpuSeconds("cpu  1000 34 100 99999 50 80 20 0 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n"), 5);
        var meminfo = "MemTotal:       16000000 kB\nMemFree:         4000000 kB\nInactive(file):  2000000 kB\n";
        Assert.Equal(10_000_000UL * 1024, HostStats.WorkingSetBytes(meminfo));
    }

    [Fact]
    public void Working_set_is_usage_minus_inactive_file_for_both_cgroup_versions()
    {
        var v2 = JsonNode.Parse("""{"memory_stats":{"usage":10000,"stats":{"inactive_file":3000}},"cpu_stats":{"cpu_usage":{"total_usage":2500000000}}}""")!.AsObject();
        var v1 = JsonNode.Parse("""{"memory_stats":{"usage":10000,"stats":{"total_inactive_file":4000,"inactive_file":1}}}""")!.AsObject();
        Assert.Equal(7000UL, DockerStatsReading.WorkingSet(v2));
        Assert.Equal(6000UL, DockerStatsReading.WorkingSet(v1));
        Assert.Equal(2.5, DockerStatsReading.CpuSeconds(v2));
    }

    private async Task RunAsync(string image, JsonArray? cmd, string type, string name)
    {
        var labels = new JsonObject
        {
            [ContainerLabels.Node] = _node,
            [ContainerLabels.DockerType] = type,
            [ContainerLabels.PodName] = "web",
            [ContainerLabels.PodNamespace] = "shop",
            [ContainerLabels.PodUid] = "uid-1",
        };
        if (type == ContainerLabels.TypeContainer)
        {
            labels[ContainerLabels.ContainerName] = name;
        }

        var config = new JsonObject { ["Image"] = image, ["Labels"] = labels, ["HostConfig"] = new JsonObject { ["NetworkMode"] = "none" } };
        if (cmd is not null)
        {
            config["Cmd"] = cmd;
        }

        var id = await _docker.CreateContainerAsync($"shim-stats-test-{name}-{Guid.NewGuid():N}", config, CancellationToken.None);
        _containers.Add(id);
        await _docker.StartContainerAsync(id, CancellationToken.None);
    }

    /// <summary>Series (name with labels) → value and optional millisecond timestamp; comments skipped.</summary>
    private static Dictionary<string, (double Value, long? TimestampMs)> Parse(string text)
    {
        var series = new Dictionary<string, (double, long?)>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n').Where(l => l.Length > 0 && l[0] != '#'))
        {
            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"not a Prometheus sample line: {line}");
            long? timestamp = match.Groups[3].Success ? long.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) : null;
            series[match.Groups[1].Value] = (double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), timestamp);
        }

        return series;
    }

    [GeneratedRegex("""^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)(?: (-?\d+))?$""")]
    private static partial Regex SampleLine();
}
