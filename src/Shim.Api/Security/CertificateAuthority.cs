using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Shim.Api.Security;

/// <summary>
/// The cluster CA and the certificates it issues (server, admin client), kept as PEM files in the data
/// directory and reused on restart. ECDSA P-256 keys, as kubectl and Go's TLS accept them.
/// </summary>
public sealed class CertificateAuthority
{
    private readonly X509Certificate2 _ca;

    private CertificateAuthority(X509Certificate2 ca, string directory)
    {
        _ca = ca;
        Directory = directory;
    }

    public string Directory { get; }

    public X509Certificate2 Certificate => _ca;

    public string CertificatePem => _ca.ExportCertificatePem();

    public static CertificateAuthority LoadOrCreate(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        var certPath = Path.Combine(directory, "ca.crt");
        var keyPath = Path.Combine(directory, "ca.key");
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            return new CertificateAuthority(X509Certificate2.CreateFromPemFile(certPath, keyPath), directory);
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=shim-ca@{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(10));
        WritePem(certPath, ca.ExportCertificatePem());
        WritePem(keyPath, key.ExportPkcs8PrivateKeyPem());
        return new CertificateAuthority(X509Certificate2.CreateFromPemFile(certPath, keyPath), directory);
    }

    /// <summary>The serving certificate; reissued when the wanted names are not all covered by the existing one.</summary>
    public X509Certificate2 ServerCertificate(IReadOnlyCollection<string> names)
    {
        var certPath = Path.Combine(Directory, "server.crt");
        var keyPath = Path.Combine(Directory, "server.key");
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            var existing = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            if (names.All(n => Covers(existing, n)) && existing.NotAfter > DateTime.UtcNow.AddDays(30))
            {
                return Exportable(existing);
            }
        }

        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names.Distinct())
        {
            if (IPAddress.TryParse(name, out var ip))
            {
                san.AddIpAddress(ip);
            }
            else
            {
                san.AddDnsName(name);
            }
        }

        Issue(certPath, keyPath, "CN=shim-apiserver", san.Build(), serverAuth: true);
        return Exportable(X509Certificate2.CreateFromPemFile(certPath, keyPath));
    }

    /// <summary>A client certificate: CN is the user name, O entries the groups (as Kubernetes x509 authentication reads them).</summary>
    public (string CertificatePem, string KeyPem) ClientCertificate(string fileStem, string user, IEnumerable<string> groups)
    {
        var certPath = Path.Combine(Directory, fileStem + ".crt");
        var keyPath = Path.Combine(Directory, fileStem + ".key");
        if (!File.Exists(certPath) || !File.Exists(keyPath))
        {
            var subject = string.Join(", ", groups.Select(g => $"O={g}").Prepend($"CN={user}"));
            Issue(certPath, keyPath, subject, null, serverAuth: false);
        }

        return (File.ReadAllText(certPath), File.ReadAllText(keyPath));
    }

    /// <summary>A client certificate with its key, usable by SslStream (see <see cref="ClientCertificate"/>).</summary>
    public X509Certificate2 LoadClientCertificate(string fileStem, string user, IEnumerable<string> groups)
    {
        var (cert, key) = ClientCertificate(fileStem, user, groups);
        using var ephemeral = X509Certificate2.CreateFromPem(cert, key);
        return Exportable(ephemeral);
    }

    /// <summary>True when the certificate chains to this CA.</summary>
    public bool Issued(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        return chain.Build(certificate);
    }

    private void Issue(string certPath, string keyPath, string subject, X509Extension? san, bool serverAuth)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        var usage = new OidCollection { new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2") };
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usage, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_ca, true, false));
        if (san is not null)
        {
            request.CertificateExtensions.Add(san);
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var issued = request.Create(_ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1), serial);
        WritePem(certPath, issued.ExportCertificatePem());
        WritePem(keyPath, key.ExportPkcs8PrivateKeyPem());
    }

    private static bool Covers(X509Certificate2 certificate, string name)
    {
        var ext = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (ext is null)
        {
            return false;
        }

        return IPAddress.TryParse(name, out var ip)
            ? ext.EnumerateIPAddresses().Any(a => a.Equals(ip))
            : ext.EnumerateDnsNames().Any(d => string.Equals(d, name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Kestrel on Linux needs the key in an exportable (PKCS#12-loaded) form.</summary>
    private static X509Certificate2 Exportable(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);

    private static void WritePem(string path, string pem)
    {
        File.WriteAllText(path, pem);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
