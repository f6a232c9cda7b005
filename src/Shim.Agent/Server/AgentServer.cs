using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;
using Shim.Agent.Pods;
using Shim.Docker;
using Shim.Streaming.PortForward;
using Shim.Streaming.RemoteCommand;

namespace Shim.Agent.Server;

/// <summary>
/// The agent's HTTPS endpoint (the kubelet's :10250): /containerLogs, /exec, /attach, /portForward, /healthz.
/// Only clients with a certificate from the cluster CA (the API server) get in; the serving certificate is
/// self-signed, as a kubelet's is by default.
/// </summary>
public static class AgentServer
{
    public static WebApplication Build(AgentOptions options, X509Certificate2 clusterCa, PodManager pods, IDockerClient docker, Action<ILoggingBuilder> logging)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        logging(builder.Logging);
        var certificate = SelfSigned(options.NodeName, options.NodeIp);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Parse(options.NodeIp), options.Port, listen => listen.UseHttps(https =>
        {
            https.ServerCertificate = certificate;
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            https.ClientCertificateValidation = (client, _, _) => Shim.Client.CertificateChains.IssuedBy(clusterCa, client);
        })));
        var app = builder.Build();
        app.UseWebSockets();
        app.MapGet("/healthz", () => "ok");
        app.MapGet("/metrics/resource", new Stats.ResourceMetrics(docker, options.NodeName, TimeProvider.System).ServeAsync);
        app.MapGet("/containerLogs/{ns}/{pod}/{container}", (HttpContext c, string ns, string pod, string container) => LogsAsync(c, pods, docker, ns, pod, container));
        app.Map("/exec/{ns}/{pod}/{container}", async (HttpContext c, string ns, string pod, string container) =>
        {
            var request = RemoteCommandServer.ParseOptions(c.Request.Query);
            var found = await Require(pods, ns, pod, container, c.RequestAborted).ConfigureAwait(false);
            await RemoteCommandServer.HandleAsync(c, request, new DockerExecTarget(docker, found.ContainerId, request.Command), c.RequestAborted).ConfigureAwait(false);
        });
        app.Map("/attach/{ns}/{pod}/{container}", async (HttpContext c, string ns, string pod, string container) =>
        {
            var request = RemoteCommandServer.ParseOptions(c.Request.Query);
            var found = await Require(pods, ns, pod, container, c.RequestAborted).ConfigureAwait(false);
            await RemoteCommandServer.HandleAsync(c, request, new DockerAttachTarget(docker, found.ContainerId), c.RequestAborted).ConfigureAwait(false);
        });
        app.Map("/portForward/{ns}/{pod}", async (HttpContext c, string ns, string pod) =>
        {
            var found = await pods.FindContainerAsync(ns, pod, null, false, c.RequestAborted).ConfigureAwait(false);
            var ip = found?.PodIp ?? throw new AgentRequestException(404, $"pod {ns}/{pod} has no running sandbox on this node");
            await PortForwardServer.HandleAsync(c, (port, ct) => DialAsync(ip, port, ct), c.RequestAborted).ConfigureAwait(false);
        });
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (AgentRequestException e) when (!context.Response.HasStarted)
            {
                await WriteStatusAsync(context, e.Code, e.Message).ConfigureAwait(false);
            }
            catch (RemoteCommandException e) when (!context.Response.HasStarted)
            {
                await WriteStatusAsync(context, 400, e.Message).ConfigureAwait(false);
            }
        });
        return app;
    }

    private static async Task<RunningContainer> Require(PodManager pods, string ns, string pod, string container, CancellationToken ct) =>
        await pods.FindContainerAsync(ns, pod, container, false, ct).ConfigureAwait(false)
        ?? throw new AgentRequestException(404, $"container \"{container}\" in pod \"{pod}\" is not running on this node");

    private static async Task LogsAsync(HttpContext context, PodManager pods, IDockerClient docker, string ns, string pod, string container)
    {
        var query = context.Request.Query;
        var ct = context.RequestAborted;
        var previous = query["previous"] == "true";
        var found = await pods.FindContainerAsync(ns, pod, container, previous, ct).ConfigureAwait(false)
            ?? throw new AgentRequestException(404, previous
                ? $"previous terminated container \"{container}\" in pod \"{pod}\" not found"
                : $"container \"{container}\" in pod \"{pod}\" not found on this node");
        var since = 0L;
        if (long.TryParse(query["sinceSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            since = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds;
        }
        else if (DateTimeOffset.TryParse(query["sinceTime"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var sinceTime))
        {
            since = sinceTime.ToUnixTimeSeconds();
        }

        int? tail = int.TryParse(query["tailLines"], NumberStyles.None, CultureInfo.InvariantCulture, out var lines) ? lines : null;
        long? limit = long.TryParse(query["limitBytes"], NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) && bytes > 0 ? bytes : null;
        var logs = await docker.LogsAsync(found.ContainerId, new LogsOptions
        {
            Follow = query["follow"] == "true" && !previous,
            Timestamps = query["timestamps"] == "true",
            Since = since,
            Tail = tail,
        }, ct).ConfigureAwait(false);
        await using (logs.ConfigureAwait(false))
        {
            context.Response.ContentType = "text/plain";
            await context.Response.StartAsync(ct).ConfigureAwait(false);
            var output = new LogOutput(context.Response.Body, limit);
            try
            {
                if (found.Tty)
                {
                    await logs.CopyToAsync(output, ct).ConfigureAwait(false);
                }
                else
                {
                    await new MultiplexedStream(logs).CopyOutputToAsync(output, output, ct).ConfigureAwait(false);
                }
            }
            catch (LogLimitReachedException)
            {
                // limitBytes reached: the response ends here, as upstream.
            }
            catch (Exception e) when (e is OperationCanceledException or IOException && ct.IsCancellationRequested)
            {
                // The client stopped following.
            }
        }
    }

    private static async Task<Stream> DialAsync(string ip, int port, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(IPAddress.Parse(ip), port, ct).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static Task WriteStatusAsync(HttpContext context, int code, string message)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = code == 404 ? "NotFound" : "BadRequest",
            ["code"] = code,
        };
        return context.Response.WriteAsync(status.ToJsonString(), context.RequestAborted);
    }

    private static X509Certificate2 SelfSigned(string nodeName, string nodeIp)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={nodeName}@{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(nodeName);
        san.AddIpAddress(IPAddress.Parse(nodeIp));
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1));
        // Kestrel on Linux needs the key in a PKCS#12-loaded form.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}
