using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shim.Model;
using Shim.Model.Meta.V1;

namespace Shim.Client;

/// <summary>
/// A Kubernetes API client for typed model objects: get, list, watch, create, replace, patch, delete. Controllers,
/// the scheduler and agents all use it (the API is the only interface). Failures are <see cref="ApiError"/>s.
/// </summary>
public sealed class KubeClient : IDisposable
{
    public const string MergePatch = "application/merge-patch+json";
    public const string StrategicMergePatch = "application/strategic-merge-patch+json";
    public const string JsonPatch = "application/json-patch+json";
    public const string ApplyPatch = "application/apply-patch+yaml";

    private readonly HttpClient _http;

    public KubeClient(ClientCredentials credentials, string userAgent = "shim")
    {
        Credentials = credentials;
        var handler = new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = credentials.ClientCertificate is null ? null : [credentials.ClientCertificate],
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusted(credentials.CertificateAuthority, certificate, errors),
            },
        };
        _http = new HttpClient(handler) { BaseAddress = credentials.Server, Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (credentials.BearerToken is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credentials.BearerToken);
        }
    }

    public ClientCredentials Credentials { get; }

    /// <summary>Non-watch requests give up after this long.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The object, or null when it does not exist.</summary>
    public async Task<T?> GetAsync<T>(ResourcePath path, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await SendAsync<T>(HttpMethod.Get, path.ToString(), null, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiError e) when (e.IsNotFound)
        {
            return null;
        }
    }

    public async Task<ObjectList<T>> ListAsync<T>(ResourcePath path, ListQuery query, CancellationToken cancellationToken)
    {
        var node = await SendAsync<JsonObject>(HttpMethod.Get, path + query.ToQueryString(), null, cancellationToken).ConfigureAwait(false) ?? [];
        var items = node["items"]?.AsArray().Select(i => i.Deserialize<T>(ModelJson.Options)!).ToList() ?? [];
        return new ObjectList<T>(items, node["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "");
    }

    /// <summary>
    /// Watches from <paramref name="resourceVersion"/> with bookmarks until the server ends the watch or the token is
    /// cancelled. A 410 arrives as an ERROR event; the caller relists.
    /// </summary>
    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(ResourcePath path, ListQuery query, string resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var url = path + query.ToQueryString(("watch", "true"), ("resourceVersion", resourceVersion), ("allowWatchBookmarks", "true"), ("timeoutSeconds", "300"));
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorAsync(response, cancellationToken).ConfigureAwait(false);
        }

        using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            var node = JsonNode.Parse(line)!.AsObject();
            var type = node["type"]?.GetValue<string>() ?? "";
            var body = node["object"];
            if (type == "ERROR")
            {
                yield return new WatchEvent<T>(type, default, null, body.Deserialize<Status>(ModelJson.Options));
                yield break;
            }

            var rv = body?["metadata"]?["resourceVersion"]?.GetValue<string>();
            yield return new WatchEvent<T>(type, type == "BOOKMARK" ? default : body.Deserialize<T>(ModelJson.Options), rv, null);
        }
    }

    public Task<T> CreateAsync<T>(ResourcePath path, T body, CancellationToken cancellationToken)
        where T : class =>
        SendRequiredAsync<T>(HttpMethod.Post, path.ToString(), Json(body), cancellationToken);

    public Task<T> ReplaceAsync<T>(ResourcePath path, T body, CancellationToken cancellationToken)
        where T : class =>
        SendRequiredAsync<T>(HttpMethod.Put, path.ToString(), Json(body), cancellationToken);

    /// <summary>PATCH with one of the patch content types (<see cref="MergePatch"/>, ...); for apply pass fieldManager/force in <paramref name="query"/>.</summary>
    public Task<T> PatchAsync<T>(ResourcePath path, string patchType, string patch, CancellationToken cancellationToken, string query = "")
        where T : class =>
        SendRequiredAsync<T>(HttpMethod.Patch, path + query, new StringContent(patch, Encoding.UTF8, patchType), cancellationToken);

    /// <summary>DELETE; false when the object did not exist.</summary>
    public async Task<bool> DeleteAsync(ResourcePath path, DeleteOptions? options, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync<JsonObject>(HttpMethod.Delete, path.ToString(), options is null ? null : Json(options), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ApiError e) when (e.IsNotFound)
        {
            return false;
        }
    }

    /// <summary>POST to a subresource or action path that answers with another type (e.g. pods/binding → Status).</summary>
    public Task<TResult> PostAsync<TBody, TResult>(ResourcePath path, TBody body, CancellationToken cancellationToken)
        where TResult : class =>
        SendRequiredAsync<TResult>(HttpMethod.Post, path.ToString(), Json(body), cancellationToken);

    public void Dispose() => _http.Dispose();

    private async Task<T> SendRequiredAsync<T>(HttpMethod method, string url, HttpContent content, CancellationToken cancellationToken)
        where T : class =>
        await SendAsync<T>(method, url, content, cancellationToken).ConfigureAwait(false)
        ?? throw new ApiError($"{method} {url}: empty response");

    private async Task<T?> SendAsync<T>(HttpMethod method, string url, HttpContent? content, CancellationToken cancellationToken)
        where T : class
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        using var request = new HttpRequestMessage(method, url) { Content = content };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ApiError(new Status { Code = 504, Reason = "Timeout", Message = $"{method} {url}: no answer within {RequestTimeout.TotalSeconds:0}s" });
        }
        catch (HttpRequestException e)
        {
            throw new ApiError(new Status { Code = 503, Reason = "ServiceUnavailable", Message = $"{method} {Credentials.Server}{url.TrimStart('/')}: {e.Message}" });
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await ErrorAsync(response, cancellationToken).ConfigureAwait(false);
            }

            var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            return text.Length == 0 ? null : JsonSerializer.Deserialize<T>(text, ModelJson.Options);
        }
    }

    private static StringContent Json<TBody>(TBody body) =>
        new(JsonSerializer.Serialize(body, ModelJson.Options), Encoding.UTF8, "application/json");

    private static async Task<ApiError> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        Status? status = null;
        try
        {
            status = JsonSerializer.Deserialize<Status>(text, ModelJson.Options);
        }
        catch (JsonException)
        {
            // Not a Status body: described from the HTTP status below.
        }

        return new ApiError(status?.Code is not null ? status : new Status
        {
            Code = (int)response.StatusCode,
            Reason = response.StatusCode == HttpStatusCode.NotFound ? "NotFound" : response.ReasonPhrase,
            Message = text.Length > 0 ? text : response.ReasonPhrase,
        });
    }

    private static bool Trusted(X509Certificate2? authority, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (authority is null || certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return false;
        }

        using var leaf = new X509Certificate2(certificate);
        return CertificateChains.IssuedBy(authority, leaf);
    }
}
