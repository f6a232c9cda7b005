using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Shim.Docker.Tests;

/// <summary>
/// A throwaway CA with a server certificate for 127.0.0.1 and a client certificate, the client side written as
/// DOCKER_CERT_PATH-style PEM files (ca.pem, cert.pem, key.pem) into <see cref="Directory"/>.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private TestCertificates(DirectoryInfo directory, X509Certificate2 server, string clientSubject)
    {
        Directory = directory;
        Server = server;
        ClientSubject = clientSubject;
    }

    public DirectoryInfo Directory { get; }

    public X509Certificate2 Server { get; }

    public string ClientSubject { get; }

    public static TestCertificates Create()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("shim-docker-tls-");
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=shim test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        var server = Issue(ca, "CN=127.0.0.1", serverAuth: true, out _);
        const string clientSubject = "CN=shim-agent";
        using var client = Issue(ca, clientSubject, serverAuth: false, out var clientKey);
        using (clientKey)
        {
            File.WriteAllText(Path.Combine(directory.FullName, "ca.pem"), ca.ExportCertificatePem());
            File.WriteAllText(Path.Combine(directory.FullName, "cert.pem"), client.ExportCertificatePem());
            File.WriteAllText(Path.Combine(directory.FullName, "key.pem"), clientKey.ExportPkcs8PrivateKeyPem());
        }

        return new TestCertificates(directory, server, clientSubject);
    }

    public void Dispose()
    {
        Server.Dispose();
        Directory.Delete(recursive: true);
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string subject, bool serverAuth, out RSA key)
    {
        key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        var usage = serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2";
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        if (serverAuth)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        using var issued = request.Create(ca, ca.NotBefore, ca.NotAfter, RandomNumberGenerator.GetBytes(8));
        return issued.CopyWithPrivateKey(key);
    }
}
