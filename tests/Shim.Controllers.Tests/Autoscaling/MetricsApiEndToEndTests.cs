using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Shim.Client;
using Shim.Controllers.Autoscaling;
using Shim.Controllers.Tests.Support;
using Shim.Model;
using Shim.Model.Core.V1;

namespace Shim.Controllers.Tests.Autoscaling;

/// <summary>
/// metrics.k8s.io end to end: a loopback HTTPS server plays a node agent's /metrics/resource; the API server scrapes it
/// (every 15 s) and serves NodeMetrics and PodMetrics, read here the way the HPA controller reads them.
/// </summary>
public sealed class MetricsApiEndToEndTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Two_scrapes_of_an_agent_become_pod_and_node_metrics()
    {
        await using var api = await ApiServer.StartAsync();
        var scrapes = 0;
        await using var agent = await StartAgentAsync(() =>
        {
            // Each scrape is 15 s after the previous: the container burns 1.5 core-seconds (100m), the node 3 (200m).
            var n = Interlocked.Increment(ref scrapes);
            var ms = T0.AddSeconds(15 * n).ToUnixTimeMilliseconds();
            return string.Create(CultureInfo.InvariantCulture, $$"""
                node_cpu_usage_seconds_total {{1000 + (3 * n)}} {{ms}}
                node_memory_working_set_bytes 1073741824 {{ms}}
                container_cpu_usage_seconds_total{container="app",pod="web-1",namespace="default"} {{10 + (1.5 * n)}} {{ms}}
                container_memory_working_set_bytes{container="app",pod="web-1",namespace="default"} 52428800 {{ms}}
                """);
        });

        var node = ModelJson.Deserialize<Node>("""{"metadata":{"name":"metrics-node","labels":{"zone":"a"}}}""")!;
        await api.Client.CreateAsync(ResourcePath.For<Node>(), node, CancellationToken.None);
        await api.Client.PatchAsync<Node>(ResourcePath.For<Node>(name: "metrics-node", subresource: "status"), KubeClient.MergePatch, $$"""
            {"status":{"addresses":[{"type":"InternalIP","address":"127.0.0.1"}],"daemonEndpoints":{"kubeletEndpoint":{"Port":{{agent.Port}} } },
              "conditions":[{"type":"Ready","status":"True","reason":"KubeletReady","lastHeartbeatTime":"2025-03-01T12:00:00Z","lastTransitionTime":"2025-03-01T12:00:00Z"}] } }
            """, CancellationToken.None);
        foreach (var name in new[] { "web-1", "web-2" })
        {
            var pod = ModelJson.Deserialize<Pod>($$"""{"metadata":{"name":"{{name}}","labels":{"app":"web"} },"spec":{"containers":[{"name":"app","image":"busybox"}] } }""")!;
            await api.Client.CreateAsync(ResourcePath.For<Pod>("default"), pod, CancellationToken.None);
        }

        var source = new ResourceMetricsApi(api.Client);
        var pods = await Eventually.UntilAsync(async () => await source.ListAsync("default", "app=web", CancellationToken.None) is { Count: > 0 } items ? items : null,
            "two scrapes of the agent", TimeSpan.FromSeconds(50));
        var metrics = Assert.Single(pods);
        Assert.Equal("web-1", metrics.Metadata!.Name);
        Assert.Equal("web", metrics.Metadata.Labels!["app"]);
        Assert.Equal("15s", metrics.Window);
        var container = Assert.Single(metrics.Containers!);
        Assert.Equal("100m", container.Usage!["cpu"].Value);
        Assert.Equal("50Mi", container.Usage["memory"].Value);
        Assert.Equal(100, metrics.SumMilli("cpu"));

        var nodeMetrics = await api.Client.GetAsync<JsonObject>(new ResourcePath("metrics.k8s.io", "v1beta1", "nodes", Name: "metrics-node"), CancellationToken.None);
        Assert.Equal("NodeMetrics", nodeMetrics!["kind"]!.GetValue<string>());
        Assert.Equal("200m", nodeMetrics["usage"]!["cpu"]!.GetValue<string>());
        Assert.Equal("1Gi", nodeMetrics["usage"]!["memory"]!.GetValue<string>());
        Assert.Equal("a", nodeMetrics["metadata"]!["labels"]!["zone"]!.GetValue<string>());

        // web-2 exists but has no metrics: NotFound, as from metrics-server.
        var error = await Assert.ThrowsAsync<ApiError>(() => api.Client.PatchAsync<JsonObject>(
            new ResourcePath("metrics.k8s.io", "v1beta1", "pods", "default", "web-2"), KubeClient.MergePatch, "{}", CancellationToken.None));
        Assert.Equal(405, error.Code);
        Assert.Null(await api.Client.GetAsync<JsonObject>(new ResourcePath("metrics.k8s.io", "v1beta1", "pods", "default", "web-2"), CancellationToken.None));
    }

    private static async Task<LoopbackAgent> StartAgentAsync(Func<string> metrics)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=metrics-node", key, HashAlgorithmName.SHA256);
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        var certificate = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        app.MapGet("/metrics/resource", () => Results.Text(metrics(), "text/plain; version=0.0.4"));
        await app.StartAsync();
        var port = new Uri(app.Urls.First()).Port;
        return new LoopbackAgent(app, port);
    }

    private sealed record LoopbackAgent(WebApplication App, int Port) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
