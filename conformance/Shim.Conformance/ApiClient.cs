using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Shim.Conformance;

/// <summary>An HTTPS client authenticated with the admin certificate of a server's kubeconfig, for raw protocol checks.</summary>
public sealed partial class ApiClient : IDisposable
{
    private readonly HttpClient _http;

    public ApiClient(ShimServer server, bool authenticated = true)
    {
        var kubeconfig = File.ReadAllText(server.Kubeconfig);
        var ca = X509Certificate2.CreateFromPem(Decode(kubeconfig, "certificate-authority-data"));
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return cert is not null && chain.Build(cert);
            },
        };
        if (authenticated)
        {
            var pem = X509Certificate2.CreateFromPem(Decode(kubeconfig, "client-certificate-data"), Decode(kubeconfig, "client-key-data"));
            handler.ClientCertificates.Add(X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null));
        }

        _http = new HttpClient(handler) { BaseAddress = new Uri(server.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body = null, string contentType = "application/json", string? accept = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        return _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    public Task<HttpResponseMessage> SendBytesAsync(HttpMethod method, string path, byte[] body, string contentType)
    {
        var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return _http.SendAsync(request);
    }

    public async Task<(int Code, JsonNode? Body)> JsonAsync(HttpMethod method, string path, string? body = null, string contentType = "application/json", string? accept = null)
    {
        using var response = await SendAsync(method, path, body, contentType, accept);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        try
        {
            json = text.Length > 0 ? JsonNode.Parse(text) : null;
        }
        catch (System.Text.Json.JsonException)
        {
            json = JsonValue.Create(text);
        }

        return ((int)response.StatusCode, json);
    }

    public void Dispose() => _http.Dispose();

    private static string Decode(string kubeconfig, string field)
    {
        var match = Regex.Match(kubeconfig, $@"{field}: (\S+)");
        return Encoding.UTF8.GetString(Convert.FromBase64String(match.Groups[1].Value));
    }
}
