using System.Collections.Concurrent;
using System.Net;
using Shim.Api.ServiceNetwork;
using Xunit;

namespace Shim.Api.Tests.ServiceNetwork;

/// <summary>Two API servers on one real Redis: allocations never collide, and the kubernetes endpoints list both servers until one leaves.</summary>
public sealed class MultiServerTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private readonly List<ApiHost> _servers = [];
    private string _dataDir = "";

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _dataDir = Path.Combine(Path.GetTempPath(), "shim-svcnet-multi-" + Guid.NewGuid().ToString("N"));
        var port = ApiHost.FreePort();
        var prefix = $"svcnet:{Guid.NewGuid():N}:";
        // Same port on two loopback addresses, as replicas behind one service port; a /26 keeps the range crowded.
        foreach (var (bind, advertise) in new[] { ("127.0.0.1", "10.99.0.1"), ("127.0.0.2", "10.99.0.2") })
        {
            _servers.Add(await ApiHost.StartAsync(await _redis.ConnectAsync(prefix), o => o with
            {
                BindAddress = bind,
                Port = port,
                AdvertiseAddress = advertise,
                ServiceCidr = "10.100.0.0/26",
                ServiceNodePortRange = "30000-30099",
            }, _dataDir));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            var store = server.Store;
            await server.DisposeAsync();
            await store.DisposeAsync();
        }

        await _redis.DisposeAsync();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }

    [Fact]
    public async Task ConcurrentCreatesOnBothServersNeverShareAnAddressOrPort()
    {
        // 62 addresses minus kubernetes and kube-dns: 55 services leave the allocators few free choices.
        const int Count = 55;
        var ips = new ConcurrentBag<string>();
        var ports = new ConcurrentBag<long>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var server = _servers[i % 2];
            var svc = await server.OkAsync(HttpMethod.Post, "/api/v1/namespaces/default/services",
                $$$"""{"apiVersion":"v1","kind":"Service","metadata":{"name":"s{{{i}}}"},"spec":{"type":"NodePort","ports":[{"port":80}]}}""");
            ips.Add(svc.Text("spec.clusterIP")!);
            ports.Add(svc.Number("spec.ports[0].nodePort")!.Value);
        });

        Assert.Equal(Count, ips.Distinct().Count());
        Assert.Equal(Count, ports.Distinct().Count());
        Assert.DoesNotContain("10.100.0.1", ips);
        Assert.DoesNotContain("10.100.0.10", ips);
        var keys = await _servers[0].Store.ListAsync(ServiceAllocator.IpPrefix, default);
        Assert.Equal(Count + 2, keys.Entries.Count);
    }

    [Fact]
    public async Task EndpointsListEveryLiveServerAndLoseOneThatStops()
    {
        await _servers[0].Get<KubernetesServiceReconciler>().ReconcileOnceAsync(default);
        Assert.Equal(["10.99.0.1", "10.99.0.2"], await AddressesAsync());

        await _servers[1].StopAsync();
        Assert.Equal(["10.99.0.1"], await AddressesAsync());
        var slice = await _servers[0].OkAsync(HttpMethod.Get, "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes");
        Assert.Equal("""[{"addresses":["10.99.0.1"],"conditions":{"ready":true}}]""", slice.Json("endpoints"));
        var (code, _) = await _servers[0].SendAsync(HttpMethod.Get, $"/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/{_servers[1].Get<KubernetesServiceReconciler>().LeaseName}");
        Assert.Equal(HttpStatusCode.NotFound, code);
    }

    private async Task<List<string>> AddressesAsync()
    {
        var endpoints = await _servers[0].OkAsync(HttpMethod.Get, "/api/v1/namespaces/default/endpoints/kubernetes");
        return endpoints.Node("subsets[0].addresses")!.AsArray().Select(a => a!["ip"]!.GetValue<string>()).ToList();
    }
}
