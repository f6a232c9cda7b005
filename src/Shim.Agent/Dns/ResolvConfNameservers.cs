using System.Net;
using System.Net.NetworkInformation;

namespace Shim.Agent.Dns;

/// <summary>
/// The upstream nameservers listed in a resolv.conf, re-read whenever the file changes. Loopback resolvers such as
/// systemd-resolved's 127.0.0.53 are fine (the agent runs on the host); only the cluster DNS's own address is left
/// out, and when it listens on a wildcard address on port 53, every address of the host, loopback included.
/// </summary>
public sealed class ResolvConfNameservers(string path, IPEndPoint self)
{
    private const int DnsPort = 53;

    private readonly Lock _reading = new();
    private DateTime _readStamp = DateTime.MinValue;
    private IReadOnlyList<IPEndPoint> _servers = [];

    /// <summary>The nameservers in file order; empty when the file is missing or lists none we may use.</summary>
    public IReadOnlyList<IPEndPoint> Current()
    {
        var stamp = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;
        lock (_reading)
        {
            if (stamp != _readStamp)
            {
                var servers = stamp == DateTime.MinValue ? [] : Read(path, self);
                if (servers is null)
                {
                    return []; // unreadable right now (being replaced?): try again on the next query
                }

                _servers = servers;
                _readStamp = stamp;
            }

            return _servers;
        }
    }

    private static IReadOnlyList<IPEndPoint>? Read(string path, IPEndPoint self)
    {
        try
        {
            return Parse(File.ReadAllLines(path), self);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The usable "nameserver" lines of a resolv.conf's text.</summary>
    public static IReadOnlyList<IPEndPoint> Parse(IEnumerable<string> lines, IPEndPoint self)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(self);
        var servers = new List<IPEndPoint>();
        foreach (var line in lines)
        {
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields is ["nameserver", var text, ..] && IPAddress.TryParse(text, out var address))
            {
                var server = new IPEndPoint(address, DnsPort);
                if (!IsSelf(server, self) && !servers.Contains(server))
                {
                    servers.Add(server);
                }
            }
        }

        return servers;
    }

    private static bool IsSelf(IPEndPoint server, IPEndPoint self)
    {
        if (server.Port != self.Port)
        {
            return false;
        }

        if (server.Address.Equals(self.Address))
        {
            return true;
        }

        var wildcard = self.Address.Equals(IPAddress.Any) || self.Address.Equals(IPAddress.IPv6Any);
        return wildcard && (IPAddress.IsLoopback(server.Address) || HostAddresses().Contains(server.Address));
    }

    private static HashSet<IPAddress> HostAddresses() =>
    [
        .. NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address),
    ];
}
