using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Shim.Api.Hosting;
using Shim.Api.Security;
using Shim.Client;
using Shim.Storage;

namespace Shim.Controllers.Tests.Support;

/// <summary>
/// A real API server (memory store) on a loopback port, and an admin client for it. Controllers under test run against
/// it exactly as in <c>shim server</c>; no agent runs, so a test plays the kubelet by writing pod status itself.
/// </summary>
public sealed class ApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dataDir;

    private ApiServer(WebApplication app, string dataDir, KubeClient client)
    {
        _app = app;
        _dataDir = dataDir;
        Client = client;
    }

    public KubeClient Client { get; }

    public static ILoggerFactory Loggers => NullLoggerFactory.Instance;

    public static async Task<ApiServer> StartAsync()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "shim-controllers-" + Guid.NewGuid().ToString("N"));
        var port = FreePort();
        var options = new ServerOptions { DataDir = dataDir, Port = port, DisableAgent = true };
        var app = ApiServerHost.Build(options, new MemoryStore(), _ => { });
        await app.StartAsync().ConfigureAwait(false);
        await app.Services.GetRequiredService<Bootstrapper>().Done.ConfigureAwait(false);
        var ca = app.Services.GetRequiredService<CertificateAuthority>();
        var credentials = new ClientCredentials(new Uri($"https://127.0.0.1:{port}"), ca.Certificate, ca.LoadClientCertificate("test-admin", "test-admin", ["system:masters"]), null);
        return new ApiServer(app, dataDir, new KubeClient(credentials, "shim-controller-tests"));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
