namespace Shim.Agent.Dns;

/// <summary>What a service's name resolves to.</summary>
internal enum ClusterDnsServiceKind
{
    /// <summary>Its cluster IPs.</summary>
    ClusterIP,

    /// <summary>clusterIP None: the addresses of its endpoints.</summary>
    Headless,

    /// <summary>A CNAME to spec.externalName.</summary>
    ExternalName,
}
