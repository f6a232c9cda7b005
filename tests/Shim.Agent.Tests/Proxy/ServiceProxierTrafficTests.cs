using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Shim.Agent.Proxy;
using Shim.Agent.Tests.Services;

namespace Shim.Agent.Tests.Proxy;

/// <summary>
/// Real connections through the proxier's rules: a client namespace (where the rules are) linked by a veth pair to a
/// server namespace running busybox httpd on 10.250.0.2:8080, the endpoint of the services.
/// </summary>
public sealed class ServiceProxierTrafficTests : IAsyncLifetime
{
    private const string Page = "hello from the endpoint";

    private readonly string _site = Path.Combine(Path.GetTempPath(), "shimt-site-" + Guid.NewGuid().ToString("N")[..6]);
    private readonly TestServiceCatalog _catalog = new TestServiceCatalog()
        .Service("""
            metadata: {name: web, namespace: shop}
            spec: {type: NodePort, clusterIP: 10.96.50.10, ports: [{name: http, port: 80, targetPort: 8080, nodePort: 30080}]}
            """)
        .Service("""
            metadata: {name: nothing, namespace: shop}
            spec: {clusterIP: 10.96.50.11, ports: [{name: http, port: 80, targetPort: 8080}]}
            """)
        .Slice(TestServiceCatalog.ReadySlice("shop", "web", "http", 8080, "10.250.0.2"));

    private TestNetworkNamespace _client = null!;
    private TestNetworkNamespace _server = null!;
    private Process? _httpd;

    public async Task InitializeAsync()
    {
        _client = await TestNetworkNamespace.CreateAsync("pxc");
        _server = await TestNetworkNamespace.CreateAsync("pxs");
        await _client.RunAsync("ip", "link", "add", "vc", "type", "veth", "peer", "name", "vs", "netns", _server.Name);
        await _client.RunAsync("ip", "addr", "add", "10.250.0.1/24", "dev", "vc");
        await _client.RunAsync("ip", "link", "set", "vc", "up");
        await _server.RunAsync("ip", "addr", "add", "10.250.0.2/24", "dev", "vs");
        await _server.RunAsync("ip", "link", "set", "vs", "up");
        // The service CIDR is routed off the node, as on a real host (its default route).
        await _client.RunAsync("ip", "route", "add", "10.96.0.0/12", "via", "10.250.0.2");

        Directory.CreateDirectory(_site);
        await File.WriteAllTextAsync(Path.Combine(_site, "index.html"), Page);
        var start = new ProcessStartInfo("nsenter") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[$"--net=/run/netns/{_server.Name}", "busybox", "httpd", "-f", "-p", "10.250.0.2:8080", "-h", _site])
        {
            start.ArgumentList.Add(argument);
        }

        _httpd = Process.Start(start);
        for (var i = 0; i < 50 && (await GetAsync("http://10.250.0.2:8080/")).ExitCode != 0; i++)
        {
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        if (_httpd is not null)
        {
            _httpd.Kill();
            await _httpd.WaitForExitAsync();
            _httpd.Dispose();
        }

        await _client.DisposeAsync();
        await _server.DisposeAsync();
        Directory.Delete(_site, recursive: true);
    }

    [Fact]
    public async Task Cluster_ip_and_node_port_reach_the_endpoint_and_a_service_without_endpoints_refuses_at_once()
    {
        Assert.Equal((0, Page), await GetAsync("http://10.250.0.2:8080/"));
        var proxier = Proxier();
        await proxier.SyncAsync(CancellationToken.None);

        Assert.Equal((0, Page), await GetAsync("http://10.96.50.10/"));
        Assert.Equal((0, Page), await GetAsync("http://10.250.0.1:30080/"));

        var clock = Stopwatch.StartNew();
        var (code, output) = await ConnectAsync("10.96.50.11");
        Assert.NotEqual(0, code);
        Assert.Contains("Connection refused", output, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"refusal took {clock.Elapsed}");

        // The endpoint goes away: the next (partial) sync turns the service into a refusal too.
        _catalog.Slice(TestServiceCatalog.ReadySlice("shop", "web", "http", 8080));
        Assert.False((await proxier.SyncAsync(CancellationToken.None)).Full);
        Assert.Contains("Connection refused", (await ConnectAsync("10.96.50.10")).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Udp_flows_to_a_gone_endpoint_are_deleted_so_the_next_datagrams_reach_the_new_one()
    {
        // The server answers nothing on UDP: the entries are what the proxy's DNAT made of the client's datagrams.
        await _server.RunAsync("ip", "addr", "add", "10.250.0.3/24", "dev", "vs");
        _catalog.Service("""
            metadata: {name: dns, namespace: shop}
            spec: {type: NodePort, clusterIP: 10.96.50.12, ports: [{name: dns, port: 53, targetPort: 5353, protocol: UDP, nodePort: 30053}]}
            """).Slice(UdpSlice("10.250.0.2"));
        var proxier = Proxier();
        await proxier.SyncAsync(CancellationToken.None);

        await SendUdpAsync();
        Assert.Equal("cluster IP → 10.250.0.2, node port → 10.250.0.2", await UdpFlowEndpointsAsync());

        // Left alone, these entries would keep a client that reuses its socket sending to 10.250.0.2 for as long as it sends.
        _catalog.Slice(UdpSlice("10.250.0.3"));
        await proxier.SyncAsync(CancellationToken.None);
        Assert.Equal("cluster IP → , node port → ", await UdpFlowEndpointsAsync());
        await SendUdpAsync();
        Assert.Equal("cluster IP → 10.250.0.3, node port → 10.250.0.3", await UdpFlowEndpointsAsync());

        // A service losing all its endpoints keeps its entries (nothing better to send them to), as upstream.
        _catalog.Slice(UdpSlice());
        await proxier.SyncAsync(CancellationToken.None);
        Assert.Equal("cluster IP → 10.250.0.3, node port → 10.250.0.3", await UdpFlowEndpointsAsync());
    }

    private static string UdpSlice(params string[] addresses) => $$$"""
        metadata: {name: dns-abc, namespace: shop, labels: {kubernetes.io/service-name: dns}}
        addressType: IPv4
        ports: [{name: dns, port: 5353, protocol: UDP}]
        endpoints: [{{{string.Join(", ", addresses.Select(a => "{addresses: [" + a + "], conditions: {ready: true, serving: true}}"))}}}]
        """;

    private ServiceProxier Proxier() => new(
        new ProxierOptions { NodeName = "n1", ClusterCidr = "10.244.0.0/16", PodCidr = "10.244.1.0/24", CommandPrefix = _client.Prefix },
        _catalog,
        NullLogger<ServiceProxier>.Instance,
        TimeProvider.System);

    /// <summary>One datagram to the UDP service's cluster IP and one to its node port (bash's /dev/udp: this busybox's nc has no UDP mode).</summary>
    private Task SendUdpAsync() =>
        _client.RunAsync("bash", "-c", "echo ping > /dev/udp/10.96.50.12/53; echo ping > /dev/udp/10.250.0.1/30053");

    /// <summary>Where the client's conntrack entries for the cluster IP and for the node port send their traffic (reply sources).</summary>
    private async Task<string> UdpFlowEndpointsAsync() =>
        $"cluster IP → {await FlowEndpointsAsync("--orig-dst", "10.96.50.12")}, node port → {await FlowEndpointsAsync("--orig-port-dst", "30053")}";

    private async Task<string> FlowEndpointsAsync(params string[] filter)
    {
        var (_, output) = await _client.TryAsync(TimeSpan.FromSeconds(10), ["conntrack", "-L", "-p", "udp", .. filter]);
        return string.Join(' ', output.Split('\n').Where(l => l.StartsWith("udp", StringComparison.Ordinal)).Select(ReplySource).Order(StringComparer.Ordinal));
    }

    /// <summary>The second "src=" of a conntrack line: the reply direction's source, the endpoint after DNAT.</summary>
    private static string ReplySource(string line) =>
        line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(f => f.StartsWith("src=", StringComparison.Ordinal)).ElementAt(1)[4..];

    /// <summary>An HTTP GET from the client namespace (busybox wget crashes on this machine, so curl).</summary>
    private async Task<(int ExitCode, string Output)> GetAsync(string url)
    {
        var (code, output) = await _client.TryAsync(TimeSpan.FromSeconds(10), "curl", "-sS", "--max-time", "5", url);
        return (code, output.Trim());
    }

    /// <summary>A TCP connection to port 80 from the client namespace: busybox nc names the error (curl only says it could not connect).</summary>
    private Task<(int ExitCode, string Output)> ConnectAsync(string address) =>
        _client.TryAsync(TimeSpan.FromSeconds(10), "busybox", "nc", "-w", "5", address, "80");
}
