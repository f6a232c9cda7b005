using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Shim.Agent.Network;
using Shim.Model.Core.V1;

namespace Shim.Agent.Tests.Network;

/// <summary>host-gw routes in a network namespace of the test's own, read back with `ip route`.</summary>
public sealed class PodRoutesTests : IAsyncLifetime
{
    private readonly string _netns = "shimt-routes-" + Guid.NewGuid().ToString("N")[..6];

    private string[] Prefix => ["nsenter", $"--net=/run/netns/{_netns}"];

    public async Task InitializeAsync()
    {
        await RunAsync("ip", "netns", "add", _netns);
        // A veth pair inside the namespace stands for the node's link to the others (no dummy module here).
        await RunAsync([.. Prefix, "ip", "link", "add", "eth0", "type", "veth", "peer", "name", "eth1"]);
        await RunAsync([.. Prefix, "ip", "addr", "add", "10.98.0.11/24", "dev", "eth0"]);
        await RunAsync([.. Prefix, "ip", "link", "set", "eth1", "up"]);
        await RunAsync([.. Prefix, "ip", "link", "set", "eth0", "up"]);
    }

    public async Task DisposeAsync() => await RunAsync("ip", "netns", "del", _netns);

    [Fact]
    public async Task Routes_follow_the_nodes_and_cleanup_removes_only_ours()
    {
        var routes = new PodRoutes("n1", Prefix, NullLogger.Instance);
        // A route somebody else made stays untouched.
        await RunAsync([.. Prefix, "ip", "route", "add", "10.200.0.0/24", "via", "10.98.0.99"]);

        await routes.ReconcileAsync([Node("n1", "10.244.1.0/24", "10.98.0.11"), Node("n2", "10.244.2.0/24", "10.98.0.12"), Node("n3", "10.244.3.0/24", "10.98.0.13")], CancellationToken.None);
        Assert.Equal(["10.244.2.0/24 via 10.98.0.12", "10.244.3.0/24 via 10.98.0.13"], await OursAsync());

        // n3 moved to another address, n2 left, n4 has no podCIDR yet.
        await routes.ReconcileAsync([Node("n1", "10.244.1.0/24", "10.98.0.11"), Node("n3", "10.244.3.0/24", "10.98.0.23"), Node("n4", null, "10.98.0.14")], CancellationToken.None);
        Assert.Equal(["10.244.3.0/24 via 10.98.0.23"], await OursAsync());

        // A next hop off the segment (host-gw needs one L2) is reported, not thrown; the others still converge.
        await routes.ReconcileAsync([Node("n3", "10.244.3.0/24", "10.98.0.23"), Node("n5", "10.244.5.0/24", "192.0.2.5")], CancellationToken.None);
        Assert.Equal(["10.244.3.0/24 via 10.98.0.23"], await OursAsync());

        await routes.CleanupAsync(CancellationToken.None);
        Assert.Empty(await OursAsync());
        Assert.Contains("10.200.0.0/24 via 10.98.0.99", await RunAsync([.. Prefix, "ip", "route", "show"]), StringComparison.Ordinal);
    }

    private async Task<List<string>> OursAsync() =>
        [.. (await RunAsync([.. Prefix, "ip", "-4", "route", "show", "proto", PodRoutes.RouteProtocol]))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(3)))
            .Order(StringComparer.Ordinal)];

    private static Node Node(string name, string? podCidr, string ip) => new()
    {
        Metadata = new() { Name = name },
        Spec = new NodeSpec { PodCIDR = podCidr },
        Status = new NodeStatus { Addresses = [new NodeAddress { Type = "InternalIP", Address = ip }] },
    };

    private static async Task<string> RunAsync(params string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{string.Join(' ', command)}: {error}");
        return output;
    }
}
