using System.Text;
using Shim.Api.ServiceNetwork;
using Xunit;

namespace Shim.Api.Tests.ServiceNetwork;

/// <summary>The repair loop, driven pass by pass: leaks go only after repeated checks, live Services' keys never, missing keys come back.</summary>
public sealed class AllocationRepairTests : IAsyncLifetime
{
    private ApiHost _api = null!;

    public async Task InitializeAsync() => _api = await ApiHost.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task AKeyNoServiceUsesIsFreedAfterRepeatedChecks()
    {
        var owner = Encoding.UTF8.GetBytes("""{"namespace":"default","name":"gone","uid":"x"}""");
        await _api.Store.CreateAsync(ServiceAllocator.IpPrefix + "10.96.9.9", owner, default);
        await _api.Store.CreateAsync(ServiceAllocator.NodePortPrefix + "31999", owner, default);
        var repair = _api.Get<AllocationRepair>();
        for (var pass = 1; pass < AllocationRepair.LeakChecks; pass++)
        {
            await repair.RunOnceAsync(default);
            Assert.NotNull(await _api.Store.GetAsync(ServiceAllocator.IpPrefix + "10.96.9.9", default));
        }

        await repair.RunOnceAsync(default);
        Assert.Null(await _api.Store.GetAsync(ServiceAllocator.IpPrefix + "10.96.9.9", default));
        Assert.Null(await _api.Store.GetAsync(ServiceAllocator.NodePortPrefix + "31999", default));
    }

    [Fact]
    public async Task LiveServicesKeepTheirKeysAndGetMissingOnesBack()
    {
        var svc = await _api.OkAsync(HttpMethod.Post, "/api/v1/namespaces/default/services",
            """{"apiVersion":"v1","kind":"Service","metadata":{"name":"live"},"spec":{"type":"NodePort","clusterIP":"10.96.9.10","ports":[{"port":80,"nodePort":31000}]}}""");
        var repair = _api.Get<AllocationRepair>();
        for (var pass = 0; pass < AllocationRepair.LeakChecks + 2; pass++)
        {
            await repair.RunOnceAsync(default);
        }

        Assert.NotNull(await _api.Store.GetAsync(ServiceAllocator.IpPrefix + "10.96.9.10", default));
        Assert.NotNull(await _api.Store.GetAsync(ServiceAllocator.IpPrefix + "10.96.0.1", default));
        Assert.NotNull(await _api.Store.GetAsync(ServiceAllocator.IpPrefix + "10.96.0.10", default));

        // A key lost (e.g. a store restored from an older backup) is recorded again for its Service.
        var key = await _api.Store.GetAsync(ServiceAllocator.NodePortPrefix + "31000", default);
        await _api.Store.DeleteAsync(ServiceAllocator.NodePortPrefix + "31000", key!.ModRevision, default);
        await repair.RunOnceAsync(default);
        var restored = await _api.Store.GetAsync(ServiceAllocator.NodePortPrefix + "31000", default);
        Assert.NotNull(restored);
        Assert.Equal(svc.Text("metadata.uid"), AllocationOwner.FromBytes(restored!.Value)!.Uid);
    }
}
