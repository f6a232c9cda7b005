using System.Security.Cryptography.X509Certificates;

namespace Shim.Client;

/// <summary>Checks a certificate against one cluster CA instead of the machine's trust store.</summary>
public static class CertificateChains
{
    public static bool IssuedBy(X509Certificate2 authority, X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
