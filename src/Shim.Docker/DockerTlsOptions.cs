namespace Shim.Docker;

/// <summary>
/// TLS towards a tcp:// endpoint, as PEM files like Docker's DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem).
/// <see cref="CaCertificatePath"/> null means the system trust store; the client pair is optional.
/// </summary>
public sealed record DockerTlsOptions
{
    public string? CaCertificatePath { get; init; }
    public string? ClientCertificatePath { get; init; }
    public string? ClientKeyPath { get; init; }

    /// <summary>When false the server certificate is not checked at all (DOCKER_TLS_VERIFY unset); for tests only.</summary>
    public bool VerifyServer { get; init; } = true;

    /// <summary>ca.pem, cert.pem and key.pem in <paramref name="directory"/>, the layout of DOCKER_CERT_PATH.</summary>
    public static DockerTlsOptions FromDirectory(string directory, bool verifyServer = true) => new()
    {
        CaCertificatePath = Path.Combine(directory, "ca.pem"),
        ClientCertificatePath = Path.Combine(directory, "cert.pem"),
        ClientKeyPath = Path.Combine(directory, "key.pem"),
        VerifyServer = verifyServer,
    };
}
