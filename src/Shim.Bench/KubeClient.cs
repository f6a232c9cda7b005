using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;

namespace Shim.Bench;

/// <summary>The admin credentials of a shim kubeconfig: server URL, cluster CA and client certificate.</summary>
public sealed partial class Kubeconfig
{
    private Kubeconfig(Uri server, X509Certificate2 ca, X509Certificate2 client)
    {
        Server = server;
        Ca = ca;
        ClientCertificate = client;
    }

    public Uri Server { get; }
    public X509Certificate2 Ca { get; }
    public X509Certificate2 ClientCertificate { get; }

    /// <summary>Reads the first cluster and user of a kubeconfig with inline (base64 PEM) data, as <c>shim server</c> writes it.</summary>
    public static Kubeconfig Load(string path)
    {
        var text = File.ReadAllText(path);
        var server = Field(text, "server");
        var ca = X509Certificate2.CreateFromPem(Decode(Field(text, "certificate-authority-data")));
        using var pem = X509Certificate2.CreateFromPem(Decode(Field(text, "client-certificate-data")), Decode(Field(text, "client-key-data")));
        // SslStream on Linux needs a certificate whose key came from a PKCS#12 import, not an ephemeral PEM key.
        var client = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        return new Kubeconfig(new Uri(server), ca, client);
    }

    /// <summary>
    /// An HTTPS client authenticated with the client certificate, trusting only the cluster CA, holding at most
    /// <paramref name="maxConnections"/> connections (HTTP/1.1: one request in flight per connection).
    /// </summary>
    /// <remarks>
    /// With <paramref name="bearerToken"/> the client authenticates with that token and presents no certificate
    /// (a diagnostic: it takes the server's certificate-chain check out of every request).
    /// </remarks>
    public HttpClient CreateClient(int maxConnections, bool http2, TimeSpan timeout, string? bearerToken = null)
    {
        var ca = Ca;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            EnableMultipleHttp2Connections = true,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = bearerToken is null ? [ClientCertificate] : [],
                RemoteCertificateValidationCallback = (_, certificate, _, _) => Trusted(ca, certificate),
            },
        };
        var client = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = Server,
            Timeout = timeout,
            DefaultRequestVersion = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (bearerToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        return client;
    }

    /// <summary>The first token of a shim tokens.csv (token,user,groups), the admin token the server created.</summary>
    public static string ReadToken(string path) =>
        File.ReadLines(path).Select(l => l.Trim()).First(l => l.Length > 0 && !l.StartsWith('#')).Split(',')[0];

    private static bool Trusted(X509Certificate2 ca, X509Certificate? certificate)
    {
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    private static string Field(string text, string name)
    {
        var match = Regex.Match(text, $@"(?m)^\s*{Regex.Escape(name)}:\s*(\S+)\s*$");
        return match.Success ? match.Groups[1].Value : throw new InvalidDataException($"kubeconfig has no '{name}'");
    }

    private static string Decode(string base64) => Encoding.UTF8.GetString(Convert.FromBase64String(base64));
}

/// <summary>Small helpers for building requests without per-request serialization.</summary>
public static class Requests
{
    public static readonly MediaTypeHeaderValue Json = new("application/json");
    public static readonly MediaTypeHeaderValue MergePatch = new("application/merge-patch+json");

    public static HttpRequestMessage Get(string path) => new(HttpMethod.Get, path);

    public static HttpRequestMessage Send(HttpMethod method, string path, byte[] body, MediaTypeHeaderValue contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = contentType;
        return new HttpRequestMessage(method, path) { Content = content };
    }

    /// <summary>Reads and discards a response body into a reusable buffer; returns the byte count.</summary>
    public static async Task<int> DrainAsync(HttpResponseMessage response, byte[] buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }
        }

        return total;
    }
}
