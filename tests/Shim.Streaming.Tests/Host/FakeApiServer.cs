using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shim.Streaming.PortForward;
using Shim.Streaming.RemoteCommand;

namespace Shim.Streaming.Tests.Host;

/// <summary>
/// Just enough of the Kubernetes API on plain HTTP loopback for kubectl exec/attach/port-forward to reach our
/// streaming servers: discovery, one Running pod "p1" with container "c", and the three subresources.
/// </summary>
public sealed class FakeApiServer : IAsyncDisposable
{
    private const string PodJson = """
        {"kind":"Pod","apiVersion":"v1","metadata":{"name":"p1","namespace":"default","uid":"6a1f8a3e-0000-4000-8000-000000000001","resourceVersion":"1","creationTimestamp":"2026-01-01T00:00:00Z"},
         "spec":{"containers":[{"name":"c","image":"busybox","stdin":true}]},
         "status":{"phase":"Running","podIP":"127.0.0.1","containerStatuses":[{"name":"c","ready":true,"started":true,"restartCount":0,"image":"busybox","imageID":"busybox","containerID":"docker://c","state":{"running":{"startedAt":"2026-01-01T00:00:00Z"}}}]}}
        """;

    private const string ApiVersionsJson = """
        {"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"127.0.0.1"}]}
        """;

    private const string ApiGroupListJson = """{"kind":"APIGroupList","apiVersion":"v1","groups":[]}""";

    private const string ResourceListJson = """
        {"kind":"APIResourceList","groupVersion":"v1","resources":[
         {"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod","verbs":["get","list"],"shortNames":["po"]},
         {"name":"pods/exec","singularName":"","namespaced":true,"kind":"PodExecOptions","verbs":["create","get"]},
         {"name":"pods/attach","singularName":"","namespaced":true,"kind":"PodAttachOptions","verbs":["create","get"]},
         {"name":"pods/portforward","singularName":"","namespaced":true,"kind":"PodPortForwardOptions","verbs":["create","get"]}]}
        """;

    private readonly WebApplication _app;

    private FakeApiServer(WebApplication app)
    {
        _app = app;
    }

    /// <summary>"METHOD path Upgrade-header" of every streaming request, to tell which protocol kubectl used.</summary>
    public ConcurrentQueue<string> StreamingRequests { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<FakeApiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeApiServer(app);
        // Required for the WebSocket exec/attach protocol (RemoteCommandServer uses AcceptWebSocketAsync).
        app.UseWebSockets();
        app.MapGet("/api", () => Json(ApiVersionsJson));
        app.MapGet("/apis", () => Json(ApiGroupListJson));
        app.MapGet("/api/v1", () => Json(ResourceListJson));
        app.MapGet("/api/v1/namespaces/default/pods/p1", () => Json(PodJson));
        app.MapMethods("/api/v1/namespaces/default/pods/p1/exec", ["GET", "POST"], server.ExecAsync);
        app.MapMethods("/api/v1/namespaces/default/pods/p1/attach", ["GET", "POST"], server.AttachAsync);
        app.MapMethods("/api/v1/namespaces/default/pods/p1/portforward", ["GET", "POST"], server.PortForwardAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address);
        return server;
    }

    /// <summary>What attach sessions run (tests swap it).</summary>
    public Func<IRemoteCommandTarget> AttachTarget { get; set; } = () => new ProcessCommandTarget(["cat"]);

    /// <summary>The last exec target, to inspect what it received.</summary>
    public ProcessCommandTarget? LastExecTarget { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static IResult Json(string json) => Results.Content(json, "application/json");

    private async Task ExecAsync(HttpContext context)
    {
        Record(context);
        RemoteCommandOptions options;
        try
        {
            options = RemoteCommandServer.ParseOptions(context.Request.Query);
        }
        catch (StreamRequestException error)
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync(error.Message);
            return;
        }
        var target = new ProcessCommandTarget(options.Command);
        LastExecTarget = target;
        await RemoteCommandServer.HandleAsync(context, options, target, context.RequestAborted);
    }

    private async Task AttachAsync(HttpContext context)
    {
        Record(context);
        var options = RemoteCommandServer.ParseOptions(context.Request.Query);
        await RemoteCommandServer.HandleAsync(context, options, AttachTarget(), context.RequestAborted);
    }

    private Task PortForwardAsync(HttpContext context)
    {
        Record(context);
        return PortForwardServer.HandleAsync(context, DialLoopbackAsync, context.RequestAborted);
    }

    private static async Task<Stream> DialLoopbackAsync(int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private void Record(HttpContext context) =>
        StreamingRequests.Enqueue($"{context.Request.Method} {context.Request.Path} {context.Request.Headers.Upgrade}");
}
