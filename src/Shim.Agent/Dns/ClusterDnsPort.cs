namespace Shim.Agent.Dns;

/// <summary>A named port of a service or an endpoint slice, as SRV names (<c>_name._protocol</c>) select it.</summary>
internal sealed record ClusterDnsPort(string Name, string Protocol, int Port)
{
    /// <summary>
    /// Stands in for the ports of a slice that lists none, so its endpoints still get address records (CoreDNS does
    /// the same with port -1); it matches no SRV name and yields no SRV record.
    /// </summary>
    public static ClusterDnsPort None { get; } = new("", "", -1);
}
