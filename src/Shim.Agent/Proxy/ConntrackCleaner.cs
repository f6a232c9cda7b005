namespace Shim.Agent.Proxy;

/// <summary>
/// Deletes UDP conntrack entries that still carry a service's traffic to an address that is not one of its serving
/// endpoints any more. UDP has no connection to close, so a client that keeps sending from one socket would otherwise
/// stay pinned to a gone endpoint by its NAT entry for as long as it sends. Like upstream, it lists the UDP entries
/// after a sync and deletes those addressed to a service frontend (cluster, external or load-balancer IP and port, or
/// node port) whose reply source is none of that service's serving endpoints; services without serving endpoints are
/// left alone. Uses the conntrack tool (conntrack-tools).
/// </summary>
public sealed class ConntrackCleaner(ProxierOptions options)
{
    /// <summary>Deletes the stale entries for <paramref name="rules"/>; returns how many (frontend, gone endpoint) pairs it deleted entries for.</summary>
    public async Task<int> CleanAsync(ProxyRuleSet rules, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var (byAddress, byNodePort) = Frontends(rules);
        if (byAddress.Count == 0 && byNodePort.Count == 0)
        {
            return 0;
        }

        var listed = await RunAsync(["-L", "-p", "udp"], cancellationToken).ConfigureAwait(false);
        if (listed.ExitCode != 0)
        {
            throw new IptablesException($"conntrack -L exited with {listed.ExitCode}: {listed.Error}");
        }

        var deletions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in listed.Output.Split('\n').Select(UdpEntry.Parse).OfType<UdpEntry>())
        {
            if (byAddress.TryGetValue((entry.OriginalDestination, entry.OriginalPort), out var serving) && !serving.Contains(entry.ReplySource))
            {
                deletions.Add($"--orig-dst {entry.OriginalDestination} --orig-port-dst {entry.OriginalPort} --reply-src {entry.ReplySource}");
            }

            if (byNodePort.TryGetValue(entry.OriginalPort, out serving) && !serving.Contains(entry.ReplySource))
            {
                deletions.Add($"--orig-port-dst {entry.OriginalPort} --reply-src {entry.ReplySource}");
            }
        }

        foreach (var filter in deletions)
        {
            // Exit 1 means no entry matched any more (it expired meanwhile): nothing to do.
            var deleted = await RunAsync(["-D", "-p", "udp", .. filter.Split(' ')], cancellationToken).ConfigureAwait(false);
            if (deleted.ExitCode is not (0 or 1))
            {
                throw new IptablesException($"conntrack -D exited with {deleted.ExitCode}: {deleted.Error}");
            }
        }

        return deletions.Count;
    }

    /// <summary>The UDP frontends of services that have serving endpoints, each with those endpoints' addresses.</summary>
    private static (Dictionary<(string Address, int Port), HashSet<string>> ByAddress, Dictionary<int, HashSet<string>> ByNodePort) Frontends(ProxyRuleSet rules)
    {
        var byAddress = new Dictionary<(string, int), HashSet<string>>();
        var byNodePort = new Dictionary<int, HashSet<string>>();
        foreach (var rule in rules.Ports.Where(p => p.Port.Protocol == "udp"))
        {
            var serving = rule.Endpoints.Where(e => e.Serving).Select(e => e.Address).ToHashSet(StringComparer.Ordinal);
            if (serving.Count == 0)
            {
                continue;
            }

            var port = rule.Port;
            foreach (var address in (string[])[port.ClusterIp, .. port.ExternalIps, .. port.LoadBalancerIps])
            {
                byAddress[(address, port.Port)] = serving;
            }

            if (port.NodePort != 0)
            {
                byNodePort[port.NodePort] = serving;
            }
        }

        return (byAddress, byNodePort);
    }

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        try
        {
            return await HostCommand.RunAsync(options.ConntrackPath, arguments, cancellationToken, options.CommandPrefix).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new IptablesException(e.Message, e);
        }
    }

    /// <summary>
    /// One line of <c>conntrack -L</c>: "udp 17 29 src=A dst=B sport=1 dport=2 [UNREPLIED] src=C dst=D sport=3 dport=4 …",
    /// the first tuple the original direction, the second the reply (its source is the endpoint after DNAT).
    /// </summary>
    private sealed record UdpEntry(string OriginalDestination, int OriginalPort, string ReplySource)
    {
        public static UdpEntry? Parse(string line)
        {
            string? destination = null, replySource = null;
            int? port = null;
            var sources = 0;
            foreach (var field in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (field.StartsWith("src=", StringComparison.Ordinal) && ++sources == 2)
                {
                    replySource = field[4..];
                }
                else if (sources == 1 && destination is null && field.StartsWith("dst=", StringComparison.Ordinal))
                {
                    destination = field[4..];
                }
                else if (sources == 1 && port is null && field.StartsWith("dport=", StringComparison.Ordinal) && int.TryParse(field[6..], out var parsed))
                {
                    port = parsed;
                }
            }

            return line.StartsWith("udp", StringComparison.Ordinal) && destination is not null && port is not null && replySource is not null
                ? new UdpEntry(destination, port.Value, replySource)
                : null;
        }
    }
}
