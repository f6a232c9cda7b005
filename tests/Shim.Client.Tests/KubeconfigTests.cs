using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Shim.Client;

namespace Shim.Client.Tests;

public sealed class KubeconfigTests
{
    [Fact]
    public void Reads_the_current_contexts_server_ca_and_client_certificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var cert = new CertificateRequest("CN=system:node:h1, O=system:nodes", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        static string B64(string pem) => Convert.ToBase64String(Encoding.UTF8.GetBytes(pem));
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, $$"""
                apiVersion: v1
                kind: Config
                clusters:
                - name: other
                  cluster: {server: "https://10.0.0.1:1"}
                - name: lab
                  cluster:
                    server: https://10.77.0.1:6443
                    certificate-authority-data: {{B64(cert.ExportCertificatePem())}}
                users:
                - name: node
                  user:
                    client-certificate-data: {{B64(cert.ExportCertificatePem())}}
                    client-key-data: {{B64(key.ExportPkcs8PrivateKeyPem())}}
                contexts:
                - name: lab
                  context: {cluster: lab, user: node}
                current-context: lab
                """);

            var credentials = ClientCredentials.FromKubeconfig(path);

            Assert.Equal(new Uri("https://10.77.0.1:6443"), credentials.Server);
            Assert.Equal(cert.Thumbprint, credentials.CertificateAuthority!.Thumbprint);
            Assert.True(credentials.ClientCertificate!.HasPrivateKey);
            Assert.Equal("system:node:h1", credentials.ClientCertificate.GetNameInfo(X509NameType.SimpleName, false));
            Assert.Null(credentials.BearerToken);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
