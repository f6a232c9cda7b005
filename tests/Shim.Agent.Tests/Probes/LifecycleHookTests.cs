using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Shim.Agent.Pods.Probes;
using Shim.Model.Core.V1;

namespace Shim.Agent.Tests.Probes;

/// <summary>httpGet and sleep hooks (exec hooks run against Docker in <see cref="ExecProbeTests"/>).</summary>
public sealed class LifecycleHookTests
{
    [Fact]
    public async Task HttpHookCallsTheEndpointWithTheLifecycleUserAgent()
    {
        await using var server = await LoopbackHttpServer.StartAsync();

        var outcome = await ProbeRunner.RunHookAsync(
            new LifecycleHandler { HttpGet = HttpGetProbeTests.HttpGet("/shutdown", server.Port) }, ProbeContexts.Loopback(), CancellationToken.None);

        Assert.Equal(new ProbeOutcome(true, ""), outcome);
        var request = Assert.Single(server.Requests);
        Assert.Equal("/shutdown", request.Path);
        Assert.Equal("kube-lifecycle/1.34", request.Header("User-Agent"));
    }

    [Fact]
    public async Task HttpHookIgnoresTheStatusCodeLikeTheKubelet()
    {
        await using var server = await LoopbackHttpServer.StartAsync();
        server.Handler = context =>
        {
            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        };

        var outcome = await ProbeRunner.RunHookAsync(
            new LifecycleHandler { HttpGet = HttpGetProbeTests.HttpGet("/shutdown", server.Port) }, ProbeContexts.Loopback(), CancellationToken.None);

        Assert.True(outcome.Success);
    }

    [Fact]
    public async Task HttpHookThatCannotConnectIsReportedLikeTheKubelet()
    {
        var port = HttpGetProbeTests.ClosedPort();

        var outcome = await ProbeRunner.RunHookAsync(
            new LifecycleHandler { HttpGet = HttpGetProbeTests.HttpGet("/shutdown", port) }, ProbeContexts.Loopback(), CancellationToken.None);

        Assert.Equal(
            new ProbeOutcome(
                false,
                $"HTTP lifecycle hook (/shutdown) for Container \"app\" in Pod \"web_probes(0f1e2d3c)\" failed - error: "
                + $"Get \"http://127.0.0.1:{port}/shutdown\": dial tcp 127.0.0.1:{port}: connect: connection refused"),
            outcome);
    }

    [Fact]
    public async Task SleepHookWaitsTheSeconds()
    {
        var stopwatch = Stopwatch.StartNew();

        var outcome = await ProbeRunner.RunHookAsync(new LifecycleHandler { Sleep = new SleepAction { Seconds = 1 } }, ProbeContexts.Loopback(), CancellationToken.None);

        Assert.Equal(new ProbeOutcome(true, ""), outcome);
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromSeconds(0.9), $"returned after {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task SleepHookCutShortIsReportedLikeTheKubelet()
    {
        using var gracePeriod = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        var outcome = await ProbeRunner.RunHookAsync(new LifecycleHandler { Sleep = new SleepAction { Seconds = 60 } }, ProbeContexts.Loopback(), gracePeriod.Token);

        Assert.Equal(
            new ProbeOutcome(
                false,
                "Sleep lifecycle hook (60) for Container \"app\" in Pod \"web_probes(0f1e2d3c)\" failed - error: container terminated before sleep hook finished"),
            outcome);
    }

    [Fact]
    public async Task HandlerWithoutAnActionFails()
    {
        var outcome = await ProbeRunner.RunHookAsync(new LifecycleHandler(), ProbeContexts.Loopback(), CancellationToken.None);

        Assert.False(outcome.Success);
        Assert.StartsWith("Cannot run handler: invalid handler", outcome.Message, StringComparison.Ordinal);
    }
}
