using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Shim.Client;

namespace Shim.Controllers.GarbageCollector;

/// <summary>
/// Reads the legacy discovery documents (/api, /api/v1, /apis, /apis/{group}/{version}) as client-go's
/// ServerPreferredResources does. It talks HTTP itself because <see cref="KubeClient"/> only addresses resource paths,
/// and the group list (/apis) is not one; it uses the same credentials and trust.
/// </summary>
public sealed class ResourceDiscovery : IDisposable
{
    private readonly HttpClient _http;

    public ResourceDiscovery(ClientCredentials credentials)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = credentials.ClientCertificate is null ? null : [credentials.ClientCertificate],
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusted(credentials.CertificateAuthority, certificate, errors),
            },
        };
        _http = new HttpClient(handler) { BaseAddress = credentials.Server, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("kube-controller-manager/discovery");
        if (credentials.BearerToken is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credentials.BearerToken);
        }
    }

    /// <summary>
    /// Every resource (not subresource) of every served group version. A group version that fails is reported in
    /// <see cref="ServerResources.Failures"/> and left out; failing to read the group lists themselves throws.
    /// </summary>
    public async Task<ServerResources> DiscoverAsync(CancellationToken cancellationToken)
    {
        var groupVersions = new List<(string Group, string Version, bool Preferred)>();
        var core = await GetAsync("/api", cancellationToken).ConfigureAwait(false);
        var coreVersions = core["versions"]?.AsArray().Select(v => v?.GetValue<string>() ?? "").Where(v => v.Length > 0).ToList() ?? [];
        groupVersions.AddRange(coreVersions.Select((v, i) => ("", v, i == 0)));

        var groups = await GetAsync("/apis", cancellationToken).ConfigureAwait(false);
        foreach (var group in groups["groups"]?.AsArray() ?? [])
        {
            var name = group?["name"]?.GetValue<string>() ?? "";
            var preferred = group?["preferredVersion"]?["version"]?.GetValue<string>();
            var versions = group?["versions"]?.AsArray().Select(v => v?["version"]?.GetValue<string>() ?? "").Where(v => v.Length > 0).ToList() ?? [];
            preferred ??= versions.FirstOrDefault();
            groupVersions.AddRange(versions.Select(v => (name, v, v == preferred)));
        }

        var preferredResources = new List<ApiResource>();
        var all = new List<ApiResource>();
        var failures = new List<string>();
        foreach (var (group, version, isPreferred) in groupVersions)
        {
            var path = group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}";
            try
            {
                var list = await GetAsync(path, cancellationToken).ConfigureAwait(false);
                var resources = Resources(group, version, list).ToList();
                all.AddRange(resources);
                if (isPreferred)
                {
                    preferredResources.AddRange(resources);
                }
            }
            catch (ApiError e)
            {
                failures.Add($"{(group.Length == 0 ? version : group + "/" + version)}: {e.Message}");
            }
        }

        return new ServerResources(preferredResources, all, failures);
    }

    public void Dispose() => _http.Dispose();

    private static IEnumerable<ApiResource> Resources(string group, string version, JsonObject list)
    {
        foreach (var entry in list["resources"]?.AsArray() ?? [])
        {
            var name = entry?["name"]?.GetValue<string>() ?? "";
            if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal))
            {
                continue;
            }

            var verbs = entry?["verbs"]?.AsArray().Select(v => v?.GetValue<string>() ?? "").ToHashSet(StringComparer.Ordinal) ?? [];
            yield return new ApiResource(group, version, name, entry?["kind"]?.GetValue<string>() ?? "", entry?["namespaced"]?.GetValue<bool>() ?? false, verbs);
        }
    }

    private async Task<JsonObject> GetAsync(string path, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new ApiError(new Model.Meta.V1.Status { Code = 503, Reason = "ServiceUnavailable", Message = $"GET {path}: {e.Message}" });
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ApiError(new Model.Meta.V1.Status { Code = 504, Reason = "Timeout", Message = $"GET {path}: no answer" });
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new ApiError(new Model.Meta.V1.Status { Code = (int)response.StatusCode, Reason = response.ReasonPhrase, Message = $"GET {path}: {text}" });
            }

            return JsonNode.Parse(text) as JsonObject ?? throw new ApiError($"GET {path}: not a JSON object");
        }
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
