using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Shim.Api.Hosting;
using Shim.Api.Security;
using Shim.Storage;
using Xunit;

namespace Shim.Api.Tests.Eviction;

/// <summary>The API server on a loopback port (memory store) and an admin HTTP client: requests go through the real handlers.</summary>
public sealed class ApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dataDir;
    private readonly HttpClient _http;

    private ApiHost(WebApplication app, string dataDir, HttpClient http)
    {
        _app = app;
        _dataDir = dataDir;
        _http = http;
    }

    public static async Task<ApiHost> StartAsync()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "shim-eviction-" + Guid.NewGuid().ToString("N"));
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var app = ApiServerHost.Build(new ServerOptions { DataDir = dataDir, Port = port, DisableAgent = true }, new MemoryStore(), _ => { });
        await app.StartAsync();
        await app.Services.GetRequiredService<Bootstrapper>().Done;
        var ca = app.Services.GetRequiredService<CertificateAuthority>();
        var handler = new HttpClientHandler
        {
            ClientCertificates = { ca.LoadClientCertificate("eviction-tests", "eviction-tests", ["system:masters"]) },
            ServerCertificateCustomValidationCallback = (_, _, _, _) => true,
        };
        var http = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return new ApiHost(app, dataDir, http);
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

    /// <summary>A request that must succeed; its body.</summary>
    public async Task<JsonObject> OkAsync(HttpMethod method, string path, string? json = null, string contentType = "application/json")
    {
        var (code, body) = await SendAsync(method, path, json, contentType);
        Assert.True((int)code is >= 200 and < 300, $"{method} {path}: {(int)code} {body.ToJsonString()}");
        return body;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }
}
