using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Shim.Api.Metrics;

/// <summary>
/// GET https://NODE:PORT/metrics/resource with the API server's kubelet-client certificate, as the node proxy reaches
/// agents. The agent's serving certificate is self-signed and not verified, as metrics-server with
/// --kubelet-insecure-tls.
/// </summary>
public sealed class AgentMetricsClient : IAgentMetricsSource, IDisposable
{
    private readonly HttpClient _http;

    public AgentMetricsClient(X509Certificate2 clientCertificate)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [clientCertificate],
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            },
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task<string> ReadAsync(string host, int port, CancellationToken cancellationToken)
    {
        var authority = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        using var response = await _http.GetAsync(new Uri($"https://{authority}:{port}/metrics/resource"), cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _http.Dispose();
}
