using System.Net;
using System.Net.Sockets;
using Shim.Api.Hosting;

namespace Shim.Api.ServiceNetwork;

/// <summary>The parsed service networking settings of one API server (from <see cref="ServerOptions"/>).</summary>
public sealed class ServiceNetworkConfig
{
    public required ServiceIpRange ServiceRange { get; init; }

    public required NodePortRange NodePorts { get; init; }

    /// <summary>The kube-dns Service's clusterIP.</summary>
    public required IPAddress ClusterDns { get; init; }

    /// <summary>The address other API servers and the kubernetes Service's endpoints know this server by.</summary>
    public required IPAddress AdvertiseAddress { get; init; }

    /// <summary>The HTTPS port this server serves on (the kubernetes Service's targetPort and endpoint port).</summary>
    public required int Port { get; init; }

    public static ServiceNetworkConfig From(ServerOptions options)
    {
        var range = ServiceIpRange.Parse(options.ServiceCidr);
        var dns = options.ClusterDns is { Length: > 0 } text
            ? IPAddress.TryParse(text, out var parsed) ? parsed : throw new ArgumentException($"cluster DNS '{text}' is not an IP address")
            : range.NthAddress(10);
        if (range.IndexOf(dns) is null)
        {
            throw new ArgumentException($"cluster DNS {dns} is not an allocatable address of the service CIDR {range.Cidr}");
        }

        var advertise = options.AdvertiseAddress is { Length: > 0 } address
            ? IPAddress.TryParse(address, out var given) ? given : throw new ArgumentException($"advertise address '{address}' is not an IP address")
            : DefaultAdvertiseAddress(options.BindAddress);
        return new ServiceNetworkConfig
        {
            ServiceRange = range,
            NodePorts = NodePortRange.Parse(options.ServiceNodePortRange),
            ClusterDns = dns,
            AdvertiseAddress = advertise,
            Port = options.Port,
        };
    }

    /// <summary>
    /// As kube-apiserver: the bind address when it is a specific non-loopback address, else the host's first
    /// non-loopback IPv4 address outside container bridges (loopback when there is none).
    /// </summary>
    public static IPAddress DefaultAdvertiseAddress(string bindAddress)
    {
        if (IPAddress.TryParse(bindAddress, out var bind) && !IPAddress.IsLoopback(bind) && !bind.Equals(IPAddress.Any) && !bind.Equals(IPAddress.IPv6Any))
        {
            return bind;
        }

        string[] bridges = ["docker", "br-", "veth", "shim0", "cni", "flannel"];
        return System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up
                && i.NetworkInterfaceType != System.Net.NetworkInformation.NetworkInterfaceType.Loopback
                && !bridges.Any(b => i.Name.StartsWith(b, StringComparison.Ordinal)))
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a)) ?? IPAddress.Loopback;
    }
}
