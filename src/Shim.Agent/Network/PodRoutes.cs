using Microsoft.Extensions.Logging;
using Shim.Model.Core.V1;

namespace Shim.Agent.Network;

/// <summary>
/// host-gw pod routing: every other node's spec.podCIDR is routed via that node's InternalIP, so pods reach pods on
/// other hosts by their own addresses, without NAT or encapsulation. The next hop must be on a directly connected
/// network (all nodes on one L2 segment), as with flannel's host-gw backend. Our routes carry their own protocol
/// number, so the agent finds (and removes) exactly the routes it installed, also after a restart.
/// </summary>
public sealed partial class PodRoutes(string nodeName, IReadOnlyList<string> commandPrefix, ILogger logger)
{
    /// <summary>The rtnetlink protocol number marking our routes (any unused value above the kernel's own).</summary>
    public const string RouteProtocol = "77";

    /// <summary>Adds, changes and removes routes so the table holds exactly one route per other node with a podCIDR.</summary>
    public async Task ReconcileAsync(IEnumerable<Node> nodes, CancellationToken cancellationToken)
    {
        var desired = Desired(nodes, nodeName);
        var installed = await InstalledAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (cidr, via) in desired)
        {
            if (installed.GetValueOrDefault(cidr) != via)
            {
                var (code, _, error) = await IpAsync(["route", "replace", cidr, "via", via, "proto", RouteProtocol], cancellationToken).ConfigureAwait(false);
                if (code == 0)
                {
                    LogRouteSet(logger, cidr, via);
                }
                else
                {
                    LogRouteFailed(logger, cidr, via, error);
                }
            }
        }

        foreach (var cidr in installed.Keys.Where(c => !desired.ContainsKey(c)))
        {
            await RemoveAsync(cidr, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Removes every route this agent installed (for <c>shim agent --cleanup</c>).</summary>
    public async Task CleanupAsync(CancellationToken cancellationToken)
    {
        foreach (var cidr in (await InstalledAsync(cancellationToken).ConfigureAwait(false)).Keys)
        {
            await RemoveAsync(cidr, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>podCIDR → InternalIP of every node but this one that has both.</summary>
    public static Dictionary<string, string> Desired(IEnumerable<Node> nodes, string self)
    {
        var routes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in nodes.Where(n => n.Metadata?.Name != self && n.Metadata?.DeletionTimestamp is null))
        {
            var via = node.Status?.Addresses?.FirstOrDefault(a => a.Type == "InternalIP")?.Address;
            foreach (var cidr in (node.Spec?.PodCIDRs ?? []).Append(node.Spec?.PodCIDR).OfType<string>().Where(c => c.Length > 0 && !c.Contains(':', StringComparison.Ordinal)))
            {
                if (via is { Length: > 0 })
                {
                    routes[cidr] = via;
                }
            }
        }

        return routes;
    }

    private async Task<Dictionary<string, string>> InstalledAsync(CancellationToken cancellationToken)
    {
        var (code, output, error) = await IpAsync(["-4", "route", "show", "proto", RouteProtocol], cancellationToken).ConfigureAwait(false);
        if (code != 0)
        {
            throw new IOException($"ip route show failed: {error}");
        }

        // Lines read "10.244.2.0/24 via 10.77.0.12 dev eth0".
        var routes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var words in output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
        {
            var via = Array.IndexOf(words, "via");
            routes[words[0]] = via > 0 && via + 1 < words.Length ? words[via + 1] : "";
        }

        return routes;
    }

    private async Task RemoveAsync(string cidr, CancellationToken cancellationToken)
    {
        var (code, _, error) = await IpAsync(["route", "del", cidr, "proto", RouteProtocol], cancellationToken).ConfigureAwait(false);
        if (code == 0)
        {
            LogRouteRemoved(logger, cidr);
        }
        else
        {
            LogRouteFailed(logger, cidr, "-", error);
        }
    }

    private Task<(int ExitCode, string Output, string Error)> IpAsync(IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        HostCommand.RunAsync("ip", arguments, cancellationToken, commandPrefix);

    [LoggerMessage(Level = LogLevel.Information, Message = "pod route {Cidr} via {Via}")]
    private static partial void LogRouteSet(ILogger logger, string cidr, string via);

    [LoggerMessage(Level = LogLevel.Information, Message = "pod route {Cidr} removed")]
    private static partial void LogRouteRemoved(ILogger logger, string cidr);

    [LoggerMessage(Level = LogLevel.Warning, Message = "pod route {Cidr} via {Via} failed (host-gw needs every node on one L2 segment): {Error}")]
    private static partial void LogRouteFailed(ILogger logger, string cidr, string via, string error);
}
