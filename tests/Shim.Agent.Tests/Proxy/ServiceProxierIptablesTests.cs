using Microsoft.Extensions.Logging.Abstractions;
using Shim.Agent.Proxy;
using Shim.Agent.Tests.Services;
using static Shim.Agent.Proxy.ProxyChainNames;

namespace Shim.Agent.Tests.Proxy;

/// <summary>The proxier against real iptables, in a network namespace of the test's own, read back with iptables-save.</summary>
public sealed class ServiceProxierIptablesTests : IAsyncLifetime
{
    private static readonly string Svc1 = ClusterPolicy("ns1/svc1:p80", "tcp");
    private static readonly string Svc2 = ClusterPolicy("ns1/svc2:p80", "tcp");
    private static readonly string Sep1 = Endpoint("ns1/svc1:p80", "tcp", "10.180.0.1:80");
    private static readonly string Sep3 = Endpoint("ns1/svc1:p80", "tcp", "10.180.0.3:80");

    private readonly TestServiceCatalog _catalog = new TestServiceCatalog()
        .Service("""
            metadata: {name: svc1, namespace: ns1}
            spec: {type: NodePort, clusterIP: 172.30.0.41, ports: [{name: p80, port: 80, nodePort: 30080}]}
            """)
        .Service("""
            metadata: {name: svc2, namespace: ns1}
            spec: {clusterIP: 172.30.0.42, sessionAffinity: ClientIP, ports: [{name: p80, port: 80, protocol: TCP}]}
            """)
        .Service("""
            metadata: {name: empty, namespace: ns1}
            spec: {clusterIP: 172.30.0.43, ports: [{name: p80, port: 80, protocol: UDP}]}
            """)
        .Slice(TestServiceCatalog.ReadySlice("ns1", "svc1", "p80", 80, "10.180.0.1", "10.180.0.2"))
        .Slice(TestServiceCatalog.ReadySlice("ns1", "svc2", "p80", 80, "10.180.0.5"));

    private TestNetworkNamespace _netns = null!;

    public async Task InitializeAsync() => _netns = await TestNetworkNamespace.CreateAsync("proxy");

    public async Task DisposeAsync() => await _netns.DisposeAsync();

    [Fact]
    public async Task A_full_sync_installs_the_rendered_chains_and_jumps_ahead_of_existing_rules()
    {
        // Stands for Docker's FORWARD rules, which must come after ours.
        await _netns.RunAsync("iptables", "-A", "FORWARD", "-s", "192.0.2.1/32", "-j", "DROP");
        var proxier = Proxier();

        var result = await proxier.SyncAsync(CancellationToken.None);

        Assert.True(result.Full);
        Assert.Equal((3, 3), (result.ServicePorts, result.Endpoints));
        var nat = await _netns.SaveAsync("nat");
        foreach (var chain in new[] { ServicesChain, NodePortsChain, PostroutingChain, MarkMasqueradeChain, Svc1, Svc2, Sep1, External("ns1/svc1:p80", "tcp") })
        {
            Assert.Contains(":" + chain, nat);
        }

        // svc2 (ClientIP affinity, one endpoint): masquerade rule, sticky check, jump.
        var sep5 = Endpoint("ns1/svc2:p80", "tcp", "10.180.0.5:80");
        Assert.Equal(3, nat.Count(l => l.StartsWith("-A " + Svc2 + " ", StringComparison.Ordinal)));
        Assert.Contains($"-A {Svc2} -m comment --comment \"ns1/svc2:p80 -> 10.180.0.5:80\" -m recent --rcheck --seconds 10800 --reap --name {sep5} --mask 255.255.255.255 --rsource -j {sep5}", nat);
        Assert.Contains("-A PREROUTING -m comment --comment \"shim service portals\" -j SHIM-SERVICES", nat);
        Assert.Contains("-A OUTPUT -m comment --comment \"shim service portals\" -j SHIM-SERVICES", nat);
        Assert.Contains("-A POSTROUTING -m comment --comment \"shim postrouting rules\" -j SHIM-POSTROUTING", nat);
        Assert.Contains($"-A SHIM-SERVICES -d 172.30.0.41/32 -p tcp -m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp --dport 80 -j {Svc1}", nat);
        Assert.Contains($"-A {Sep1} -p tcp -m comment --comment \"ns1/svc1:p80\" -m tcp -j DNAT --to-destination 10.180.0.1:80", nat);

        var filter = await _netns.SaveAsync("filter");
        Assert.Equal(
        [
            "-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"shim service portals\" -j SHIM-SERVICES",
            "-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"shim externally-visible service portals\" -j SHIM-EXTERNAL-SERVICES",
            "-A FORWARD -m comment --comment \"shim forwarding rules\" -j SHIM-FORWARD",
            "-A FORWARD -s 192.0.2.1/32 -j DROP",
        ], filter.Where(l => l.StartsWith("-A FORWARD", StringComparison.Ordinal)));
        Assert.Contains("-A INPUT -m conntrack --ctstate NEW -m comment --comment \"shim externally-visible service portals\" -j SHIM-EXTERNAL-SERVICES", filter);
        Assert.Contains("-A OUTPUT -m conntrack --ctstate NEW -m comment --comment \"shim service portals\" -j SHIM-SERVICES", filter);
        Assert.Contains("-A SHIM-SERVICES -d 172.30.0.43/32 -p udp -m comment --comment \"ns1/empty:p80 has no endpoints\" -m udp --dport 80 -j REJECT --reject-with icmp-port-unreachable", filter);
    }

    [Fact]
    public async Task A_second_agent_does_not_duplicate_the_jump_rules()
    {
        await Proxier().SyncAsync(CancellationToken.None);
        var before = await RulesAsync();

        var result = await Proxier().SyncAsync(CancellationToken.None);

        Assert.True(result.Full);
        Assert.Equal(before, await RulesAsync());
        Assert.Single(await _netns.SaveAsync("nat"), l => l.StartsWith("-A PREROUTING", StringComparison.Ordinal));
        Assert.Equal(3, (await _netns.SaveAsync("filter")).Count(l => l.StartsWith("-A FORWARD", StringComparison.Ordinal)));

        // A jump someone deleted comes back with the next full sync, the others stay single.
        await _netns.RunAsync("iptables", "-t", "nat", "-D", "PREROUTING", "-m", "comment", "--comment", "shim service portals", "-j", ServicesChain);
        Assert.Equal(1, (await Proxier().SyncAsync(CancellationToken.None)).JumpsInserted);
        Assert.Equal(before, await RulesAsync());
    }

    [Fact]
    public async Task A_partial_sync_rewrites_only_the_chains_that_changed_and_a_full_one_repairs_the_rest()
    {
        var proxier = Proxier();
        await proxier.SyncAsync(CancellationToken.None);
        // Marks in chains a partial sync must leave alone: they would vanish if the chain were rewritten.
        await _netns.RunAsync("iptables", "-t", "nat", "-I", ServicesChain, "1", "-s", "192.0.2.99/32", "-j", "RETURN");
        await _netns.RunAsync("iptables", "-t", "nat", "-I", Svc2, "1", "-s", "192.0.2.99/32", "-j", "RETURN");

        // One endpoint of svc1 is replaced.
        _catalog.Slice(TestServiceCatalog.ReadySlice("ns1", "svc1", "p80", 80, "10.180.0.3", "10.180.0.2"));
        var result = await proxier.SyncAsync(CancellationToken.None);

        Assert.False(result.Full);
        Assert.Equal(new[] { new ChainKey("nat", Sep3), new ChainKey("nat", Svc1) }.OrderBy(k => k.Name, StringComparer.Ordinal), result.Written.OrderBy(k => k.Name, StringComparer.Ordinal));
        Assert.Equal([new ChainKey("nat", Sep1)], result.Deleted);
        var nat = await _netns.SaveAsync("nat");
        Assert.Contains("-A SHIM-SERVICES -s 192.0.2.99/32 -j RETURN", nat);
        Assert.Contains($"-A {Svc2} -s 192.0.2.99/32 -j RETURN", nat);
        Assert.DoesNotContain(":" + Sep1, nat);
        Assert.Contains($"-A {Sep3} -p tcp -m comment --comment \"ns1/svc1:p80\" -m tcp -j DNAT --to-destination 10.180.0.3:80", nat);
        Assert.Contains($"-A {Svc1} -m comment --comment \"ns1/svc1:p80 -> 10.180.0.2:80\" -m statistic --mode random --probability 0.50000000000 -j {Endpoint("ns1/svc1:p80", "tcp", "10.180.0.2:80")}", nat);

        // Nothing changed: no restore at all.
        Assert.Empty((await proxier.SyncAsync(CancellationToken.None)).Written);

        // A new proxier (as after an agent restart) starts with a full sync, which rewrites everything.
        Assert.True((await Proxier().SyncAsync(CancellationToken.None)).Full);
        Assert.DoesNotContain("192.0.2.99/32", string.Join('\n', await _netns.SaveAsync("nat")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chains_nobody_wants_any_more_are_deleted()
    {
        var proxier = Proxier();
        await proxier.SyncAsync(CancellationToken.None);

        // A removed service goes in a partial sync.
        _catalog.RemoveService("ns1", "svc2");
        var partial = await proxier.SyncAsync(CancellationToken.None);
        Assert.Contains(new ChainKey("nat", Svc2), partial.Deleted);
        Assert.DoesNotContain(":" + Svc2, await _netns.SaveAsync("nat"));

        // Chains an earlier agent left behind go in the next agent's first (full) sync; other chains stay.
        await _netns.RunAsync("iptables", "-t", "nat", "-N", "SHIM-SVC-LEFTOVER0000000");
        await _netns.RunAsync("iptables", "-t", "nat", "-N", "SHIM-SEP-LEFTOVER0000000");
        await _netns.RunAsync("iptables", "-t", "nat", "-A", "SHIM-SVC-LEFTOVER0000000", "-j", "SHIM-SEP-LEFTOVER0000000");
        await _netns.RunAsync("iptables", "-t", "nat", "-N", "SOMEONE-ELSES");
        var full = await Proxier().SyncAsync(CancellationToken.None);

        Assert.Equal([new ChainKey("nat", "SHIM-SEP-LEFTOVER0000000"), new ChainKey("nat", "SHIM-SVC-LEFTOVER0000000")], full.Deleted.OrderBy(k => k.Name, StringComparer.Ordinal));
        var nat = await _netns.SaveAsync("nat");
        Assert.DoesNotContain(nat, l => l.Contains("LEFTOVER", StringComparison.Ordinal));
        Assert.Contains(":SOMEONE-ELSES", nat);
    }

    [Fact]
    public async Task After_a_failed_sync_the_next_one_is_full_and_restores_everything()
    {
        var proxier = Proxier();
        await proxier.SyncAsync(CancellationToken.None);
        // Somebody flushes the nat table: the next partial sync refers to chains that are gone.
        await _netns.RunAsync("iptables", "-t", "nat", "-F");
        await _netns.RunAsync("iptables", "-t", "nat", "-X");
        _catalog.Slice(TestServiceCatalog.ReadySlice("ns1", "svc1", "p80", 80, "10.180.0.3"));

        await Assert.ThrowsAsync<IptablesException>(() => proxier.SyncAsync(CancellationToken.None));
        var retry = await proxier.SyncAsync(CancellationToken.None);

        Assert.True(retry.Full);
        var nat = await _netns.SaveAsync("nat");
        Assert.Contains("-A PREROUTING -m comment --comment \"shim service portals\" -j SHIM-SERVICES", nat);
        Assert.Contains(":" + Sep3, nat);
    }

    [Fact]
    public async Task Cleanup_removes_every_shim_chain_and_jump_and_nothing_else()
    {
        await _netns.RunAsync("iptables", "-A", "FORWARD", "-s", "192.0.2.1/32", "-j", "DROP");
        await _netns.RunAsync("iptables", "-t", "nat", "-N", "SOMEONE-ELSES");
        var proxier = Proxier();
        await proxier.SyncAsync(CancellationToken.None);

        // A fresh proxier, as `shim agent --cleanup` uses, knows nothing of what was applied.
        await Proxier().CleanupAsync(CancellationToken.None);

        var all = (await _netns.SaveAsync("nat")).Concat(await _netns.SaveAsync("filter")).ToList();
        Assert.DoesNotContain(all, l => l.Contains("SHIM-", StringComparison.Ordinal));
        Assert.Contains("-A FORWARD -s 192.0.2.1/32 -j DROP", all);
        Assert.Contains(":SOMEONE-ELSES", all);
    }

    [Fact]
    public async Task The_loop_coalesces_requests_and_keeps_the_minimum_period()
    {
        var proxier = Proxier(TimeSpan.FromMilliseconds(300));
        using var stop = new CancellationTokenSource();
        var loop = proxier.RunAsync(stop.Token);
        await WaitUntilAsync(() => proxier.SyncCount == 1);

        var requesting = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 50; i++)
        {
            _catalog.Slice(TestServiceCatalog.ReadySlice("ns1", "svc1", "p80", 80, $"10.180.1.{i}"));
            proxier.RequestSync();
            await Task.Delay(2);
        }

        requesting.Stop();

        await WaitUntilAsync(() => proxier.LastSync?.Written.Contains(new ChainKey("nat", Endpoint("ns1/svc1:p80", "tcp", "10.180.1.49:80"))) == true);
        await Task.Delay(400);
        await stop.CancelAsync();
        await loop;

        // 50 requests: the first sync, then at most one per started 300 ms period while requests kept coming, plus
        // the one after the last request (a busy machine stretches the loop, so the bound follows its real length).
        var periods = (long)Math.Ceiling(requesting.Elapsed / TimeSpan.FromMilliseconds(300));
        Assert.InRange(proxier.SyncCount, 2, 2 + periods);
        Assert.Contains("DNAT --to-destination 10.180.1.49:80", string.Join('\n', await _netns.SaveAsync("nat")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flushed_jump_is_put_back_by_a_full_sync_and_jumps_in_place_cause_none()
    {
        var proxier = Proxier(jumpCheckPeriod: TimeSpan.FromMilliseconds(200));
        using var stop = new CancellationTokenSource();
        var loop = proxier.RunAsync(stop.Token);
        await WaitUntilAsync(() => proxier.SyncCount == 1);
        var installed = await RulesAsync();

        // Several checks find every jump (the -C spelling matches what was inserted): no sync.
        await Task.Delay(1000);
        Assert.Equal(1, proxier.SyncCount);

        await _netns.RunAsync("iptables", "-t", "nat", "-D", "PREROUTING", "-m", "comment", "--comment", "shim service portals", "-j", ServicesChain);
        await WaitUntilAsync(() => proxier.SyncCount == 2);
        await stop.CancelAsync();
        await loop;

        Assert.True(proxier.LastSync!.Full);
        Assert.Equal(installed, await RulesAsync());
    }

    [Fact]
    public async Task When_docker_starts_after_the_proxy_the_forward_jumps_move_into_docker_user()
    {
        var proxier = Proxier(jumpCheckPeriod: TimeSpan.FromMilliseconds(200));
        using var stop = new CancellationTokenSource();
        var loop = proxier.RunAsync(stop.Token);
        await WaitUntilAsync(() => proxier.SyncCount == 1);
        Assert.Contains($"-A FORWARD -m comment --comment \"shim forwarding rules\" -j {ForwardChain}", await _netns.SaveAsync("filter"));

        // What dockerd does when it starts: DOCKER-USER first in FORWARD, its bridge rules above ours.
        await _netns.RunAsync("iptables", "-N", JumpRule.DockerUserChain);
        await _netns.RunAsync("iptables", "-I", "FORWARD", "1", "-o", "docker0", "-j", "ACCEPT");
        await _netns.RunAsync("iptables", "-I", "FORWARD", "1", "-j", JumpRule.DockerUserChain);
        await WaitUntilAsync(() => proxier.SyncCount == 2);
        await stop.CancelAsync();
        await loop;

        var filter = await _netns.SaveAsync("filter");
        Assert.DoesNotContain(filter, r => r.StartsWith("-A FORWARD ", StringComparison.Ordinal) && r.Contains(" -j " + Prefix, StringComparison.Ordinal));
        Assert.Equal(
            [ServicesChain, ExternalServicesChain, ForwardChain],
            filter.Where(r => r.StartsWith($"-A {JumpRule.DockerUserChain} ", StringComparison.Ordinal)).Select(r => r[(r.LastIndexOf(' ') + 1)..]));
    }

    private ServiceProxier Proxier(TimeSpan? minSyncPeriod = null, TimeSpan? jumpCheckPeriod = null) => new(
        new ProxierOptions
        {
            NodeName = "n1",
            ClusterCidr = "10.244.0.0/16",
            PodCidr = "10.244.1.0/24",
            MinSyncPeriod = minSyncPeriod ?? TimeSpan.FromMilliseconds(100),
            JumpCheckPeriod = jumpCheckPeriod ?? TimeSpan.FromSeconds(30),
            CommandPrefix = _netns.Prefix,
        },
        _catalog,
        NullLogger<ServiceProxier>.Instance,
        TimeProvider.System);

    /// <summary>Every rule of both tables, sorted: two equal lists mean nothing was added or duplicated.</summary>
    private async Task<List<string>> RulesAsync() => [.. (await _netns.SaveAsync("nat")).Concat(await _netns.SaveAsync("filter")).Order(StringComparer.Ordinal)];

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), "condition not met within 10 s");
    }
}
