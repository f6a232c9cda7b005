using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Shim.Api.Hosting;
using Shim.Api.Security;
using Shim.Api.ServiceNetwork;
using Shim.Storage;
using Xunit;

namespace Shim.Api.Tests;

/// <summary>
/// An API server on loopback over a given store (memory by default), started until its kubernetes Service reconciler
/// finished a pass, with an admin HTTP client: requests go through the real handlers, registry and allocators.
/// </summary>
public sealed class ApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _http;
    private readonly string? _ownedDataDir;
    private bool _stopped;

    private ApiHost(WebApplication app, HttpClient http, string? ownedDataDir, ServerOptions options)
    {
        _app = app;
        _http = http;
        _ownedDataDir = ownedDataDir;
        Options = options;
    }

    public ServerOptions Options { get; }

    public IStore Store => _app.Services.GetRequiredService<IStore>();

    public T Get<T>()
        where T : notnull => _app.Services.GetRequiredService<T>();

    /// <summary>Starts a server; <paramref name="dataDir"/> given means it is shared with another server (and not deleted here).</summary>
    public static async Task<ApiHost> StartAsync(IStore? store = null, Func<ServerOptions, ServerOptions>? configure = null, string? dataDir = null)
    {
        var owned = dataDir is null ? Path.Combine(Path.GetTempPath(), "shim-api-tests-" + Guid.NewGuid().ToString("N")) : null;
        var options = new ServerOptions { DataDir = dataDir ?? owned!, Port = FreePort(), DisableAgent = true, AdvertiseAddress = "10.99.0.1" };
        options = configure?.Invoke(options) ?? options;
        var app = ApiServerHost.Build(options, store ?? new MemoryStore(), _ => { });
        await app.StartAsync();
        await app.Services.GetRequiredService<Bootstrapper>().Done;
        await app.Services.GetRequiredService<KubernetesServiceReconciler>().FirstPass.WaitAsync(TimeSpan.FromSeconds(30));
        var ca = app.Services.GetRequiredService<CertificateAuthority>();
        var handler = new HttpClientHandler
        {
            ClientCertificates = { ca.LoadClientCertificate("api-tests", "api-tests", ["system:masters"]) },
            ServerCertificateCustomValidationCallback = (_, _, _, _) => true,
        };
        var http = new HttpClient(handler) { BaseAddress = new Uri($"https://{options.BindAddress}:{options.Port}") };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return new ApiHost(app, http, owned, options);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task<(HttpStatusCode Code, JsonObject Body)> SendAsync(HttpMethod method, string path, string? json = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, contentType);
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject());
    }

    public async Task<JsonObject> OkAsync(HttpMethod method, string path, string? json = null, string contentType = "application/json")
    {
        var (code, body) = await SendAsync(method, path, json, contentType);
        Assert.True((int)code is >= 200 and < 300, $"{method} {path}: {(int)code} {body.ToJsonString()}");
        return body;
    }

    /// <summary>A graceful stop (hosted services' StopAsync run), as on SIGTERM.</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await StopAsync();
        await _app.DisposeAsync();
        if (_ownedDataDir is not null)
        {
            try
            {
                Directory.Delete(_ownedDataDir, recursive: true);
            }
            catch (IOException)
            {
                // A temp directory left behind is harmless.
            }
        }
    }
}
