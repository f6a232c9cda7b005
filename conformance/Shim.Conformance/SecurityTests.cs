using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Xunit;

namespace Shim.Conformance;

/// <summary>TLS names, the certificate authority kept across restarts, and bearer-token authentication.</summary>
public sealed class SecurityTests
{
    [Fact]
    public async Task TlsSansBearerTokensAndCaReuse()
    {
        using var server = new ShimServer("memory", "--tls-san", "10.1.2.3", "--tls-san", "shim.example.test");
        var first = await ServingCertificateAsync(server.Port);
        var names = first.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains(names.EnumerateIPAddresses(), ip => ip.ToString() == "10.1.2.3");
        Assert.Contains("shim.example.test", names.EnumerateDnsNames());
        Assert.Contains("kubernetes.default.svc", names.EnumerateDnsNames());

        var token = File.ReadAllLines(Path.Combine(server.DataDir, "tokens.csv"))[0].Split(',')[0];
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true });
        async Task<int> GetWith(string bearer)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{server.BaseUrl}/api/v1/namespaces");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            using var response = await http.SendAsync(request);
            return (int)response.StatusCode;
        }

        Assert.Equal(200, await GetWith(token));
        Assert.Equal(401, await GetWith(token + "x"));

        // The CA, and so the kubeconfig clients hold, survive a restart.
        var ca = await File.ReadAllTextAsync(Path.Combine(server.DataDir, "tls", "ca.crt"));
        server.Restart();
        Assert.Equal(ca, await File.ReadAllTextAsync(Path.Combine(server.DataDir, "tls", "ca.crt")));
        Assert.Equal(first.Thumbprint, (await ServingCertificateAsync(server.Port)).Thumbprint);
        using var api = new ApiClient(server);
        Assert.Equal(200, (await api.JsonAsync(HttpMethod.Get, "/api/v1/namespaces/default")).Code);
    }

    private static async Task<X509Certificate2> ServingCertificateAsync(int port)
    {
        using var tcp = new TcpClient("127.0.0.1", port);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("127.0.0.1");
        return new X509Certificate2(tls.RemoteCertificate!);
    }
}
