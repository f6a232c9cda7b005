using System.Security.Cryptography.X509Certificates;

namespace Shim.Client;

/// <summary>Where the API server is and how to prove who we are: the cluster CA, and a client certificate or a bearer token.</summary>
public sealed record ClientCredentials(Uri Server, X509Certificate2? CertificateAuthority, X509Certificate2? ClientCertificate, string? BearerToken)
{
    /// <summary>Reads the current context of a kubeconfig file (certificate and key as *-data or file paths; token).</summary>
    public static ClientCredentials FromKubeconfig(string path) => KubeconfigReader.Read(path);
}
