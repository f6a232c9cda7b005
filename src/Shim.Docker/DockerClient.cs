using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace Shim.Docker;

/// <summary>
/// <see cref="IDockerClient"/> over the Docker Engine API: one HttpClient for ordinary requests, and a raw HTTP/1.1
/// connection per attach/exec start because those take the socket over after the response.
/// </summary>
public sealed class DockerClient : IDockerClient
{
    /// <summary>The Engine API version every request pins (Docker 20.10 and later speak it).</summary>
    public const string ApiVersion = "1.41";

    private const string Prefix = "/v" + ApiVersion;

    private readonly DockerEndpoint _endpoint;
    private readonly DockerTlsOptions? _tls;
    private readonly X509Certificate2Collection _clientCertificates = [];
    private readonly X509Certificate2Collection _trustedCas = [];
    private readonly HttpClient _http;

    /// <param name="endpoint">unix:///path/docker.sock or tcp://host:port.</param>
    /// <param name="tls">TLS for a tcp endpoint (then https is used); null for plain.</param>
    public DockerClient(string endpoint, DockerTlsOptions? tls = null)
    {
        _endpoint = DockerEndpoint.Parse(endpoint, tls is not null);
        if (tls is not null && _endpoint.IsUnix)
        {
            throw new ArgumentException("TLS applies to tcp:// endpoints only", nameof(tls));
        }

        _tls = tls;
        if (tls is not null)
        {
            LoadCertificates(tls);
        }

        var handler = new SocketsHttpHandler
        {
            // dockerd never redirects, and one idle connection per host is plenty for a node agent.
            AllowAutoRedirect = false,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        if (_endpoint.IsUnix)
        {
            handler.ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = await ConnectSocketAsync(cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            };
        }

        if (tls is not null)
        {
            handler.SslOptions = CreateSslOptions();
        }

        var scheme = tls is null ? "http" : "https";
        var authority = _endpoint.IsUnix ? "docker" : HostHeader;
        _http = new HttpClient(handler)
        {
            BaseAddress = new Uri($"{scheme}://{authority}"),
            // Waits, followed logs and events last as long as the caller wants: the cancellation tokens bound them.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("shim", ApiVersion));
    }

    public string Endpoint => _endpoint.Original;

    private string HostHeader => _endpoint.IsUnix ? "docker"
        : _endpoint.Host!.Contains(':', StringComparison.Ordinal) ? $"[{_endpoint.Host}]:{_endpoint.Port}" : $"{_endpoint.Host}:{_endpoint.Port}";

    /// <summary>
    /// A client for DOCKER_HOST (default unix:///var/run/docker.sock); TLS with the PEM files in DOCKER_CERT_PATH
    /// (default ~/.docker) when DOCKER_TLS_VERIFY is set, as the docker CLI does.
    /// </summary>
    public static DockerClient FromEnvironment()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (string.IsNullOrWhiteSpace(host))
        {
            host = DockerEndpoint.DefaultUnixEndpoint;
        }

        DockerTlsOptions? tls = null;
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_TLS_VERIFY")))
        {
            var certPath = Environment.GetEnvironmentVariable("DOCKER_CERT_PATH");
            if (string.IsNullOrEmpty(certPath))
            {
                certPath = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
            }

            tls = DockerTlsOptions.FromDirectory(certPath);
        }

        return new DockerClient(host, tls);
    }

    public async Task<JsonObject> InfoAsync(CancellationToken cancellationToken) =>
        await GetObjectAsync("/info", cancellationToken).ConfigureAwait(false)
        ?? throw new DockerException(404, "GET /info: not found");

    public async Task<JsonObject> VersionAsync(CancellationToken cancellationToken) =>
        await GetObjectAsync("/version", cancellationToken).ConfigureAwait(false)
        ?? throw new DockerException(404, "GET /version: not found");

    public async Task<string> CreateContainerAsync(string name, JsonObject config, CancellationToken cancellationToken)
    {
        var path = string.IsNullOrEmpty(name) ? "/containers/create" : $"/containers/create?name={Uri.EscapeDataString(name)}";
        var created = await SendForObjectAsync(HttpMethod.Post, path, config, cancellationToken).ConfigureAwait(false);
        return IdOf(created, path);
    }

    public Task StartContainerAsync(string id, CancellationToken cancellationToken) =>
        SendExpectingAsync(HttpMethod.Post, $"/containers/{Segment(id)}/start", null, cancellationToken, 304);

    public Task StopContainerAsync(string id, int timeoutSeconds, CancellationToken cancellationToken) =>
        SendExpectingAsync(HttpMethod.Post, $"/containers/{Segment(id)}/stop?t={timeoutSeconds.ToString(CultureInfo.InvariantCulture)}", null, cancellationToken, 304);

    public Task KillContainerAsync(string id, string signal, CancellationToken cancellationToken) =>
        SendExpectingAsync(HttpMethod.Post, $"/containers/{Segment(id)}/kill?signal={Uri.EscapeDataString(signal)}", null, cancellationToken, 409);

    public Task RemoveContainerAsync(string id, bool force, bool removeVolumes, CancellationToken cancellationToken) =>
        SendExpectingAsync(HttpMethod.Delete, $"/containers/{Segment(id)}?force={Flag(force)}&v={Flag(removeVolumes)}", null, cancellationToken, 404);

    public Task<JsonObject?> InspectContainerAsync(string id, CancellationToken cancellationToken) =>
        GetObjectAsync($"/containers/{Segment(id)}/json", cancellationToken);

    public async Task<IReadOnlyList<JsonObject>> ListContainersAsync(IReadOnlyDictionary<string, string> labels, bool all, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var path = $"/containers/json?all={Flag(all)}";
        if (labels.Count > 0)
        {
            var labelFilter = new JsonArray([.. labels.Select(pair => (JsonNode?)JsonValue.Create($"{pair.Key}={pair.Value}"))]);
            path += "&filters=" + Uri.EscapeDataString(new JsonObject { ["label"] = labelFilter }.ToJsonString());
        }

        using var response = await SendAsync(HttpMethod.Get, path, null, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        await ThrowIfFailedAsync(response, cancellationToken).ConfigureAwait(false);
        var list = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)) as JsonArray
            ?? throw new DockerException((int)response.StatusCode, $"GET {path}: expected a JSON array");
        return [.. list.OfType<JsonObject>()];
    }

    /// <summary>
    /// Waits with dockerd's default condition "not-running": call it after start (a created, never started container
    /// counts as not running and answers at once).
    /// </summary>
    public async Task<long> WaitContainerAsync(string id, CancellationToken cancellationToken)
    {
        var path = $"/containers/{Segment(id)}/wait";
        var result = await SendForObjectAsync(HttpMethod.Post, path, null, cancellationToken).ConfigureAwait(false);
        return result["StatusCode"]?.GetValue<long>() ?? throw new DockerException(200, $"POST {path}: no StatusCode in the answer");
    }

    public async Task<Stream> LogsAsync(string id, LogsOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var query = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"stdout={Flag(options.Stdout)}&stderr={Flag(options.Stderr)}")
            .Append(CultureInfo.InvariantCulture, $"&follow={Flag(options.Follow)}&timestamps={Flag(options.Timestamps)}")
            .Append(CultureInfo.InvariantCulture, $"&since={options.Since}")
            .Append(CultureInfo.InvariantCulture, $"&tail={(options.Tail is { } tail ? tail.ToString(CultureInfo.InvariantCulture) : "all")}");
        return await OpenStreamAsync(HttpMethod.Get, $"/containers/{Segment(id)}/logs?{query}", null, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><paramref name="tty"/> is informational: the container's own Tty setting decides whether output is multiplexed.</summary>
    public Task<HijackedStream> AttachAsync(string id, bool stdin, bool stdout, bool stderr, bool tty, CancellationToken cancellationToken) =>
        HijackAsync($"/containers/{Segment(id)}/attach?stream=1&stdin={Flag(stdin)}&stdout={Flag(stdout)}&stderr={Flag(stderr)}", null, cancellationToken);

    public Task ResizeContainerTtyAsync(string id, int height, int width, CancellationToken cancellationToken) =>
        SendExpectingAsync(HttpMethod.Post, $"/containers/{Segment(id)}/resize?{Size(height, width)}", null, cancellationToken);

    public async Task<string> CreateExecAsync(string containerId, ExecConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var body = new JsonObject
        {
            ["AttachStdin"] = config.AttachStdin,
            ["AttachStdout"] = config.AttachStdout,
            ["AttachStderr"] = config.AttachStderr,
            ["Tty"] = config.Tty,
            ["Cmd"] = StringArray(config.Cmd),
        };
        if (config.Env is not null)
        {
            body["Env"] = StringArray(config.Env);
        }

        if (config.User is not null)
        {
            body["User"] = config.User;
        }

        if (config.WorkingDir is not null)
        {
            body["WorkingDir"] = config.WorkingDir;
        }

        var path = $"/containers/{Segment(containerId)}/exec";
        return IdOf(await SendForObjectAsync(HttpMethod.Post, path, body, cancellationToken).ConfigureAwait(false), path);
    }

    public Task<HijackedStream> StartExecAsync(string execId, bool tty, CancellationToken cancellationToken) =>
        HijackAsync($"/exec/{Segment(execId)}/start", new JsonObject { ["Detach"] = false, ["Tty"] = tty }, cancellationToken);

    public Task ResizeExecAsync(string execId, int height, int width, CancellationToken cancellationToken) =>
        SendExpectingAsync(HttpMethod.Post, $"/exec/{Segment(execId)}/resize?{Size(height, width)}", null, cancellationToken);

    public async Task<JsonObject> InspectExecAsync(string execId, CancellationToken cancellationToken)
    {
        var path = $"/exec/{Segment(execId)}/json";
        return await SendForObjectAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
    }

    public Task<JsonObject?> InspectImageAsync(string image, CancellationToken cancellationToken) =>
        GetObjectAsync($"/images/{PathOf(image)}/json", cancellationToken);

    /// <summary>
    /// An error inside the progress stream (after dockerd answered 200) is thrown with status 500 and the stream's
    /// error message; errors before streaming starts carry dockerd's HTTP status (e.g. 404 for an unknown image).
    /// </summary>
    public async Task PullImageAsync(string image, string? registryAuth, CancellationToken cancellationToken)
    {
        var reference = ImageReference.Parse(image);
        var path = $"/images/create?fromImage={Uri.EscapeDataString(reference.Repository)}&tag={Uri.EscapeDataString(reference.TagOrDigest)}";
        await using var progress = await OpenStreamAsync(HttpMethod.Post, path, null, registryAuth, cancellationToken).ConfigureAwait(false);
        await ReadPullProgressAsync(progress, cancellationToken).ConfigureAwait(false);
    }

    public Task<JsonObject?> InspectNetworkAsync(string name, CancellationToken cancellationToken) =>
        GetObjectAsync($"/networks/{Segment(name)}", cancellationToken);

    public async Task<string> CreateNetworkAsync(JsonObject config, CancellationToken cancellationToken)
    {
        const string path = "/networks/create";
        return IdOf(await SendForObjectAsync(HttpMethod.Post, path, config, cancellationToken).ConfigureAwait(false), path);
    }

    public Task RemoveNetworkAsync(string name, CancellationToken cancellationToken) =>
        SendExpectingAsync(HttpMethod.Delete, $"/networks/{Segment(name)}", null, cancellationToken, 404);

    public IAsyncEnumerable<JsonObject> EventsAsync(IReadOnlyDictionary<string, string[]> filters, CancellationToken cancellationToken) =>
        EventsAsync(filters, null, cancellationToken);

    /// <summary>
    /// GET /events?since=&amp;filters=: first the past events from <paramref name="since"/> on (dockerd keeps a bounded
    /// history), then live ones; lets a watcher resume without missing what happened while it reconnected.
    /// </summary>
    public async IAsyncEnumerable<JsonObject> EventsAsync(IReadOnlyDictionary<string, string[]> filters, DateTimeOffset? since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filters);
        var query = new List<string>();
        if (since is { } from)
        {
            query.Add("since=" + from.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        }

        if (filters.Count > 0)
        {
            var json = new JsonObject();
            foreach (var (key, values) in filters)
            {
                json[key] = StringArray(values);
            }

            query.Add("filters=" + Uri.EscapeDataString(json.ToJsonString()));
        }

        var path = query.Count == 0 ? "/events" : "/events?" + string.Join('&', query);

        await using var stream = await OpenStreamAsync(HttpMethod.Get, path, null, null, cancellationToken).ConfigureAwait(false);
        await foreach (var item in JsonObjectStreamReader.ReadAllAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    public Task<JsonObject?> StatsAsync(string id, CancellationToken cancellationToken) =>
        GetObjectAsync($"/containers/{Segment(id)}/stats?stream=false&one-shot=true", cancellationToken);

    public void Dispose()
    {
        _http.Dispose();
        foreach (var certificate in _clientCertificates.Concat(_trustedCas))
        {
            certificate.Dispose();
        }
    }

    /// <summary>Reads a pull's progress messages to the end; throws on the first one carrying "error" or "errorDetail".</summary>
    internal static async Task ReadPullProgressAsync(Stream progress, CancellationToken cancellationToken)
    {
        await foreach (var message in JsonObjectStreamReader.ReadAllAsync(progress, cancellationToken).ConfigureAwait(false))
        {
            if (message["errorDetail"] is not null || message["error"] is not null)
            {
                var text = message["errorDetail"]?["message"]?.ToString() ?? message["error"]?.ToString() ?? "unknown error";
                throw new DockerException(500, text);
            }
        }
    }

    private static string Flag(bool value) => value ? "1" : "0";

    private static string Size(int height, int width) =>
        string.Create(CultureInfo.InvariantCulture, $"h={height}&w={width}");

    /// <summary>An id or name as one path segment.</summary>
    private static string Segment(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        return Uri.EscapeDataString(value);
    }

    /// <summary>An image name in a path: dockerd routes /images/{name:.*}/json, so slashes stay.</summary>
    private static string PathOf(string image)
    {
        ArgumentException.ThrowIfNullOrEmpty(image);
        return string.Join('/', image.Split('/').Select(Uri.EscapeDataString));
    }

    private static JsonArray StringArray(IEnumerable<string> values) => [.. values.Select(value => (JsonNode?)JsonValue.Create(value))];

    private static string IdOf(JsonObject answer, string path) =>
        answer["Id"]?.ToString() ?? throw new DockerException(200, $"{path}: no Id in dockerd's answer");

    private async Task<JsonObject?> GetObjectAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        await ThrowIfFailedAsync(response, cancellationToken).ConfigureAwait(false);
        return await ReadObjectAsync(response, path, cancellationToken).ConfigureAwait(false);
    }

    private async Task<JsonObject> SendForObjectAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, path, body, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        await ThrowIfFailedAsync(response, cancellationToken).ConfigureAwait(false);
        return await ReadObjectAsync(response, path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends and accepts any 2xx plus <paramref name="alsoSuccess"/> (e.g. 304 "already started").</summary>
    private async Task SendExpectingAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken, params int[] alsoSuccess)
    {
        using var response = await SendAsync(method, path, body, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        if (!alsoSuccess.Contains((int)response.StatusCode))
        {
            await ThrowIfFailedAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A streaming body (logs, events, pull progress); disposing the stream releases the connection.</summary>
    private async Task<Stream> OpenStreamAsync(HttpMethod method, string path, JsonObject? body, string? registryAuth, CancellationToken cancellationToken)
    {
        var response = await SendAsync(method, path, body, HttpCompletionOption.ResponseHeadersRead, cancellationToken, registryAuth).ConfigureAwait(false);
        try
        {
            await ThrowIfFailedAsync(response, cancellationToken).ConfigureAwait(false);
            return await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonObject? body, HttpCompletionOption completion, CancellationToken cancellationToken, string? registryAuth = null)
    {
        using var request = new HttpRequestMessage(method, Prefix + path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        if (registryAuth is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Registry-Auth", registryAuth);
        }

        try
        {
            return await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw DockerErrors.Unreachable(_endpoint, e);
        }
    }

    private static async Task ThrowIfFailedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw DockerErrors.FromResponse((int)response.StatusCode, body);
        }
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response, string path, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return JsonNode.Parse(text) as JsonObject
            ?? throw new DockerException((int)response.StatusCode, $"{path}: expected a JSON object from dockerd");
    }

    private async Task<HijackedStream> HijackAsync(string path, JsonObject? body, CancellationToken cancellationToken)
    {
        Socket socket;
        Stream transport;
        try
        {
            socket = await ConnectSocketAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw DockerErrors.Unreachable(_endpoint, e);
        }

        transport = new NetworkStream(socket, ownsSocket: true);
        try
        {
            if (_tls is not null)
            {
                var tlsStream = new SslStream(transport, leaveInnerStreamOpen: false);
                transport = tlsStream;
                await tlsStream.AuthenticateAsClientAsync(CreateSslOptions(), cancellationToken).ConfigureAwait(false);
            }

            // Attach must send no body: dockerd does not read one there, so its bytes would reach the container's stdin.
            await RawHttp.WriteUpgradeRequestAsync(transport, "POST", HostHeader, Prefix + path, body?.ToJsonString(), cancellationToken).ConfigureAwait(false);
            var head = await RawHttp.ReadResponseHeadAsync(transport, cancellationToken).ConfigureAwait(false);
            // 101 Switching Protocols when dockerd honours Upgrade; old daemons answer 200 and hijack anyway.
            if (head.StatusCode is 101 or 200)
            {
                return new SocketHijackedStream(socket, transport, head.AlreadyReceived);
            }

            var errorBody = await RawHttp.ReadBodyAsync(transport, head, cancellationToken).ConfigureAwait(false);
            throw DockerErrors.FromResponse(head.StatusCode, errorBody);
        }
        catch (Exception e) when (e is IOException or AuthenticationException or SocketException)
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            throw DockerErrors.Unreachable(_endpoint, e);
        }
        catch
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<Socket> ConnectSocketAsync(CancellationToken cancellationToken)
    {
        Socket socket;
        System.Net.EndPoint target;
        if (_endpoint.IsUnix)
        {
            socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            target = new UnixDomainSocketEndPoint(_endpoint.SocketPath!);
        }
        else
        {
            // Dual-mode socket: reaches IPv4 and IPv6 addresses the host name resolves to.
            socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            target = new System.Net.DnsEndPoint(_endpoint.Host!, _endpoint.Port);
        }

        try
        {
            await socket.ConnectAsync(target, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private void LoadCertificates(DockerTlsOptions tls)
    {
        if (tls.ClientCertificatePath is not null)
        {
            var keyPath = tls.ClientKeyPath ?? throw new ArgumentException("a client certificate needs its key (ClientKeyPath)", nameof(tls));
            _clientCertificates.Add(X509Certificate2.CreateFromPemFile(tls.ClientCertificatePath, keyPath));
        }

        if (tls.CaCertificatePath is not null)
        {
            _trustedCas.ImportFromPemFile(tls.CaCertificatePath);
        }
    }

    private SslClientAuthenticationOptions CreateSslOptions()
    {
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = _endpoint.Host,
            ClientCertificates = [.. _clientCertificates],
        };
        if (!_tls!.VerifyServer)
        {
            options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        else if (_trustedCas.Count > 0)
        {
            // Trust exactly the given CA, as DOCKER_CERT_PATH/ca.pem means; the host name is still checked.
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.AddRange(_trustedCas);
            options.CertificateChainPolicy = policy;
        }

        return options;
    }
}
