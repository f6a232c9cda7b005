using System.Globalization;
using Shim.Api.Metrics;
using Xunit;

namespace Shim.Api.Tests.Metrics;

public sealed class MetricsStoreTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>An agent's answer at <paramref name="at"/>: node and one pod with two containers.</summary>
    internal static string Scrape(DateTimeOffset at, double nodeCpu, double webCpu, double sidecarCpu, long webMemory = 50 * 1024 * 1024)
    {
        var ms = at.ToUnixTimeMilliseconds();
        return string.Create(CultureInfo.InvariantCulture, $$"""
            # HELP node_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the node in core-seconds
            # TYPE node_cpu_usage_seconds_total counter
            node_cpu_usage_seconds_total {{nodeCpu}} {{ms}}
            # TYPE node_memory_working_set_bytes gauge
            node_memory_working_set_bytes 2147483648 {{ms}}
            # TYPE container_start_time_seconds gauge
            container_start_time_seconds{container="web",namespace="shop",pod="web-1"} {{T0.AddHours(-1).ToUnixTimeSeconds()}}
            container_start_time_seconds{container="sidecar",namespace="shop",pod="web-1"} {{T0.AddHours(-1).ToUnixTimeSeconds()}}
            # TYPE container_cpu_usage_seconds_total counter
            container_cpu_usage_seconds_total{container="web",namespace="shop",pod="web-1"} {{webCpu}} {{ms}}
            container_cpu_usage_seconds_total{container="sidecar",namespace="shop",pod="web-1"} {{sidecarCpu}} {{ms}}
            # TYPE container_memory_working_set_bytes gauge
            container_memory_working_set_bytes{container="web",namespace="shop",pod="web-1"} {{webMemory}} {{ms}}
            container_memory_working_set_bytes{container="sidecar",namespace="shop",pod="web-1"} 1234567 {{ms}}
            pod_cpu_usage_seconds_total{namespace="shop",pod="web-1"} 3 {{ms}}
            """);
    }

    [Fact]
    public void Usage_is_the_cpu_rate_between_two_scrapes_and_the_last_working_set()
    {
        var store = new MetricsStore(TimeProvider.System);
        store.Store(ResourceMetricsText.Parse(Scrape(T0, nodeCpu: 1000, webCpu: 10, sidecarCpu: 1), T0, "node-a"));
        // One scrape is not enough for a rate.
        Assert.Empty(store.NodeMetrics([("node-a", new Dictionary<string, string>())]));
        Assert.Empty(store.PodMetrics([(new PodKey("shop", "web-1"), new Dictionary<string, string>())]));

        var t1 = T0.AddSeconds(15);
        // node: 3 core-seconds in 15 s = 0.2 cores; web: 1.5 s / 15 s = 100m; sidecar: 0.0123 s / 15 s = 820000n, canonically 820u.
        store.Store(ResourceMetricsText.Parse(Scrape(t1, nodeCpu: 1003, webCpu: 11.5, sidecarCpu: 1.0123), t1, "node-a"));

        var node = Assert.Single(store.NodeMetrics([("node-a", new Dictionary<string, string> { ["zone"] = "a" })]));
        Assert.Equal("node-a", node["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("a", node["metadata"]!["labels"]!["zone"]!.GetValue<string>());
        Assert.Equal("200m", node["usage"]!["cpu"]!.GetValue<string>());
        Assert.Equal("2Gi", node["usage"]!["memory"]!.GetValue<string>());
        Assert.Equal("15s", node["window"]!.GetValue<string>());
        Assert.Equal("2025-03-01T12:00:15Z", node["timestamp"]!.GetValue<string>());

        var pod = Assert.Single(store.PodMetrics([(new PodKey("shop", "web-1"), new Dictionary<string, string> { ["app"] = "web" })]));
        Assert.Equal("shop", pod["metadata"]!["namespace"]!.GetValue<string>());
        var containers = pod["containers"]!.AsArray();
        Assert.Equal(["sidecar", "web"], containers.Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal("820u", containers[0]!["usage"]!["cpu"]!.GetValue<string>());
        Assert.Equal("1234567", containers[0]!["usage"]!["memory"]!.GetValue<string>());
        Assert.Equal("100m", containers[1]!["usage"]!["cpu"]!.GetValue<string>());
        Assert.Equal("50Mi", containers[1]!["usage"]!["memory"]!.GetValue<string>());
    }

    [Fact]
    public void The_same_sample_again_keeps_the_window_and_a_pod_that_left_the_scrape_is_gone()
    {
        var store = new MetricsStore(TimeProvider.System);
        var t1 = T0.AddSeconds(20);
        store.Store(ResourceMetricsText.Parse(Scrape(T0, 1000, 10, 1), T0, "node-a"));
        store.Store(ResourceMetricsText.Parse(Scrape(t1, 1002, 12, 1), t1, "node-a"));
        // The agent's cache answered with the very same figures: the previous point stays.
        store.Store(ResourceMetricsText.Parse(Scrape(t1, 1002, 12, 1), t1.AddSeconds(1), "node-a"));
        var pod = Assert.Single(store.PodMetrics([(new PodKey("shop", "web-1"), new Dictionary<string, string>())]));
        Assert.Equal("20s", pod["window"]!.GetValue<string>());
        Assert.Equal("100m", pod["containers"]![1]!["usage"]!["cpu"]!.GetValue<string>());

        store.Store(new ScrapeBatch());
        Assert.Empty(store.PodMetrics([(new PodKey("shop", "web-1"), new Dictionary<string, string>())]));
    }

    [Fact]
    public void A_young_container_is_measured_from_its_start()
    {
        var start = T0.AddSeconds(-12);
        var text = $$"""
            container_start_time_seconds{container="app",namespace="ns",pod="p"} {{start.ToUnixTimeSeconds()}}
            container_cpu_usage_seconds_total{container="app",namespace="ns",pod="p"} 0.6 {{T0.ToUnixTimeMilliseconds()}}
            container_memory_working_set_bytes{container="app",namespace="ns",pod="p"} 4096 {{T0.ToUnixTimeMilliseconds()}}
            """;
        var store = new MetricsStore(TimeProvider.System);
        store.Store(ResourceMetricsText.Parse(text, T0, "n"));
        var pod = Assert.Single(store.PodMetrics([(new PodKey("ns", "p"), new Dictionary<string, string>())]));
        Assert.Equal("12s", pod["window"]!.GetValue<string>());
        Assert.Equal("50m", pod["containers"]![0]!["usage"]!["cpu"]!.GetValue<string>());
        Assert.Equal("4Ki", pod["containers"]![0]!["usage"]!["memory"]!.GetValue<string>());
    }

    [Fact]
    public void Incomplete_points_are_dropped_as_metrics_server_drops_them()
    {
        var ms = T0.ToUnixTimeMilliseconds();
        var batch = ResourceMetricsText.Parse($$"""
            node_cpu_usage_seconds_total 12.5 {{ms}}
            container_cpu_usage_seconds_total{container="a",namespace="ns",pod="p"} 1 {{ms}}
            container_cpu_usage_seconds_total{container="b",namespace="ns",pod="p"} 1 {{ms}}
            container_memory_working_set_bytes{container="a",namespace="ns",pod="p"} 10 {{ms}}
            container_cpu_usage_seconds_total{container="c",namespace="ns",pod="q"} 2
            container_memory_working_set_bytes{container="c",namespace="ns",pod="q"} 20
            """, T0, "n");
        Assert.Empty(batch.Nodes); // no memory figure
        Assert.DoesNotContain(new PodKey("ns", "p"), batch.Pods.Keys); // container b has no memory
        var q = batch.Pods[new PodKey("ns", "q")]["c"];
        Assert.Equal(T0, q.Timestamp); // no timestamp: the scrape time
        Assert.Equal(2_000_000_000UL, q.CumulativeCpuNanos);
    }

    [Theory]
    [InlineData(0UL, "0")]
    [InlineData(12345678UL, "12345678n")]
    [InlineData(5_000_000UL, "5m")]
    [InlineData(2_000_000_000UL, "2")]
    public void Cpu_is_canonical_nanocores(ulong nanocores, string expected) => Assert.Equal(expected, MetricsFormat.Cpu(nanocores));

    [Theory]
    [InlineData(512UL, "512")]
    [InlineData(1263616UL, "1234Ki")]
    [InlineData(1048576UL, "1Mi")]
    [InlineData(1234567UL, "1234567")]
    public void Memory_is_canonical_binary(ulong bytes, string expected) => Assert.Equal(expected, MetricsFormat.Memory(bytes));

    [Theory]
    [InlineData(15012, "15.012s")]
    [InlineData(60500, "1m0.5s")]
    [InlineData(500, "500ms")]
    [InlineData(3_723_000, "1h2m3s")]
    public void Window_is_a_go_duration(long milliseconds, string expected) =>
        Assert.Equal(expected, MetricsFormat.GoDuration(TimeSpan.FromMilliseconds(milliseconds)));
}
