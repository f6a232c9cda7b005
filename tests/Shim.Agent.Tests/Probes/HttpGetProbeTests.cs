using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Shim.Agent.Pods.Probes;
using Shim.Model;
using Shim.Model.Core.V1;

namespace Shim.Agent.Tests.Probes;

public sealed class HttpGetProbeTests : IAsyncLifetime
{
    private LoopbackHttpServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackHttpServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Status200SucceedsWithTheBodyAsMessage()
    {
        _server.Handler = context => context.Response.WriteAsync("all good");

        var outcome = await ProbeAsync(HttpGet("/healthz", _server.Port));

        Assert.Equal(new ProbeOutcome(true, "all good"), outcome);
        Assert.Equal("/healthz", _server.Requests.Single().Path);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(404)]
    [InlineData(400)]
    public async Task StatusOf400OrMoreFailsWithTheStatusCode(int status)
    {
        _server.Handler = context =>
        {
            context.Response.StatusCode = status;
            return context.Response.WriteAsync("broken");
        };

        var outcome = await ProbeAsync(HttpGet("/healthz", _server.Port));

        Assert.Equal(new ProbeOutcome(false, $"HTTP probe failed with statuscode: {status}"), outcome);
    }

    [Theory]
    [InlineData(204)]
    [InlineData(399)]
    public async Task StatusBetween200And399Succeeds(int status)
    {
        _server.Handler = context =>
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        };

        var outcome = await ProbeAsync(HttpGet("/", _server.Port));

        Assert.True(outcome.Success, outcome.Message);
    }

    [Fact]
    public async Task RedirectOnTheSameHostIsFollowed()
    {
        _server.Handler = context =>
        {
            if (context.Request.Path == "/old")
            {
                context.Response.Redirect("/new");
                return Task.CompletedTask;
            }

            context.Response.StatusCode = context.Request.Path == "/new" ? 500 : 200;
            return Task.CompletedTask;
        };

        var outcome = await ProbeAsync(HttpGet("/old", _server.Port));

        Assert.Equal(new ProbeOutcome(false, "HTTP probe failed with statuscode: 500"), outcome);
        Assert.Equal(["/old", "/new"], _server.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task RedirectToAnotherHostIsNotFollowedAndCountsAsSuccess()
    {
        _server.Handler = context =>
        {
            context.Response.Redirect($"http://localhost:{_server.Port}/elsewhere");
            return context.Response.WriteAsync("moved");
        };

        var outcome = await ProbeAsync(HttpGet("/", _server.Port));

        Assert.Equal(new ProbeOutcome(true, "Probe terminated redirects, Response body: moved"), outcome);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task SendsKubeProbeUserAgentAcceptAndConfiguredHeadersWithHostOverride()
    {
        var action = HttpGet("/headers", _server.Port);
        action.HttpHeaders = [new HTTPHeader { Name = "X-Custom", Value = "yes" }, new HTTPHeader { Name = "Host", Value = "example.test" }];

        var outcome = await ProbeAsync(action);

        Assert.True(outcome.Success, outcome.Message);
        var request = _server.Requests.Single();
        Assert.Equal("kube-probe/1.34", request.Header("User-Agent"));
        Assert.Equal("*/*", request.Header("Accept"));
        Assert.Equal("yes", request.Header("X-Custom"));
        Assert.Equal("example.test", request.Host);
    }

    [Fact]
    public async Task ConfiguredUserAgentReplacesTheDefault()
    {
        var action = HttpGet("/", _server.Port);
        action.HttpHeaders = [new HTTPHeader { Name = "User-Agent", Value = "mine/1" }];

        await ProbeAsync(action);

        Assert.Equal("mine/1", _server.Requests.Single().Header("User-Agent"));
    }

    [Fact]
    public async Task NamedPortResolvesFromTheContainerPorts()
    {
        var action = new HTTPGetAction { Path = "/", Port = IntOrString.FromString("web") };

        var outcome = await ProbeRunner.ProbeAsync(
            new Probe { HttpGet = action, TimeoutSeconds = GenerousTimeoutSeconds }, ProbeContexts.Loopback(new ContainerPort { Name = "web", ContainerPortValue = _server.Port }), CancellationToken.None);

        Assert.True(outcome.Success, outcome.Message);
    }

    [Fact]
    public async Task UnknownNamedPortFails()
    {
        var action = new HTTPGetAction { Path = "/", Port = IntOrString.FromString("metrics") };

        var outcome = await ProbeAsync(action);

        Assert.False(outcome.Success);
        Assert.Contains("metrics", outcome.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task SlowAnswerFailsAfterTimeoutSeconds()
    {
        _server.Handler = async context => await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
        var stopwatch = Stopwatch.StartNew();

        var outcome = await ProbeRunner.ProbeAsync(
            new Probe { HttpGet = HttpGet("/slow", _server.Port), TimeoutSeconds = 1 }, ProbeContexts.Loopback(), CancellationToken.None);

        Assert.Equal(
            new ProbeOutcome(false, $"Get \"http://127.0.0.1:{_server.Port}/slow\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"),
            outcome);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task RefusedConnectionFailsLikeGo()
    {
        var port = ClosedPort();

        var outcome = await ProbeAsync(HttpGet("/healthz", port));

        Assert.Equal(
            new ProbeOutcome(false, $"Get \"http://127.0.0.1:{port}/healthz\": dial tcp 127.0.0.1:{port}: connect: connection refused"),
            outcome);
    }

    [Fact]
    public async Task BodyInTheMessageIsCappedAt10KiB()
    {
        _server.Handler = context => context.Response.WriteAsync(new string('x', 50_000));

        var outcome = await ProbeAsync(HttpGet("/", _server.Port));

        Assert.True(outcome.Success);
        Assert.Equal(10 * 1024, outcome.Message.Length);
    }

    [Fact]
    public async Task HttpsIsProbedWithoutVerifyingTheCertificate()
    {
        await using var https = await LoopbackHttpServer.StartAsync(https: true);
        https.Handler = context => context.Response.WriteAsync(context.Request.Scheme);
        var action = HttpGet("/", https.Port);
        action.Scheme = "HTTPS";

        var outcome = await ProbeAsync(action);

        Assert.Equal(new ProbeOutcome(true, "https"), outcome);
    }

    [Fact]
    public async Task ExplicitHostIsUsedInsteadOfThePodIp()
    {
        var action = HttpGet("/", _server.Port);
        action.Host = "127.0.0.1";

        var outcome = await ProbeRunner.ProbeAsync(new Probe { HttpGet = action, TimeoutSeconds = GenerousTimeoutSeconds }, ProbeContexts.Loopback() with { PodIp = "192.0.2.1" }, CancellationToken.None);

        Assert.True(outcome.Success, outcome.Message);
    }

    /// <summary>Tests that are not about timeouts allow 10 s: a loaded CI machine can take over the 1 s default.</summary>
    internal const int GenerousTimeoutSeconds = 10;

    internal static HTTPGetAction HttpGet(string path, int port) => new() { Path = path, Port = IntOrString.FromInt32(port) };

    /// <summary>A loopback port nothing listens on: bound once, then released.</summary>
    internal static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static Task<ProbeOutcome> ProbeAsync(HTTPGetAction action) =>
        ProbeRunner.ProbeAsync(new Probe { HttpGet = action, TimeoutSeconds = GenerousTimeoutSeconds }, ProbeContexts.Loopback(), CancellationToken.None);
}
