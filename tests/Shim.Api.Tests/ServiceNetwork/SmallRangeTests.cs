using System.Net;
using Xunit;

namespace Shim.Api.Tests.ServiceNetwork;

/// <summary>A /29 service range (6 addresses: .1 for the kubernetes Service, .6 for DNS, 4 left) and a 3-port node port range.</summary>
public sealed class SmallRangeTests : IAsyncLifetime
{
    private ApiHost _api = null!;

    public async Task InitializeAsync() => _api = await ApiHost.StartAsync(configure: o => o with
    {
        ServiceCidr = "10.0.0.0/29",
        ClusterDns = "10.0.0.6",
        ServiceNodePortRange = "30000-30002",
    });

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task ExhaustedRangeSaysRangeIsFullUntilAnAddressIsFreed()
    {
        var ips = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var svc = await _api.OkAsync(HttpMethod.Post, "/api/v1/namespaces/default/services", Manifest($"s{i}", """{"ports":[{"port":80}]}"""));
            ips.Add(svc.Text("spec.clusterIP")!);
        }

        Assert.Equal(["10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"], ips.Order());
        var (code, status) = await _api.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/services", Manifest("s4", """{"ports":[{"port":80}]}"""));
        Assert.Equal(HttpStatusCode.InternalServerError, code);
        Assert.Equal("InternalError", status.Text("reason"));
        Assert.Equal("Internal error occurred: failed to allocate a serviceIP: range is full", status.Text("message"));

        await _api.OkAsync(HttpMethod.Delete, "/api/v1/namespaces/default/services/s2");
        var reused = await _api.OkAsync(HttpMethod.Post, "/api/v1/namespaces/default/services", Manifest("s5", """{"ports":[{"port":80}]}"""));
        Assert.Equal(ips[2], reused.Text("spec.clusterIP"));
    }

    [Fact]
    public async Task ExhaustedNodePortRangeSaysRangeIsFull()
    {
        // Headless services take no address, so only node ports run out here.
        await _api.OkAsync(HttpMethod.Post, "/api/v1/namespaces/default/services",
            Manifest("np", """{"type":"NodePort","ports":[{"name":"a","port":1},{"name":"b","port":2},{"name":"c","port":3}]}"""));
        var (code, status) = await _api.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/services",
            Manifest("np2", """{"type":"NodePort","ports":[{"port":1}]}"""));
        Assert.Equal(HttpStatusCode.InternalServerError, code);
        Assert.Equal("Internal error occurred: failed to allocate a nodePort: range is full", status.Text("message"));
        await _api.OkAsync(HttpMethod.Delete, "/api/v1/namespaces/default/services/np");
    }

    private static string Manifest(string name, string spec) => $$"""{"apiVersion":"v1","kind":"Service","metadata":{"name":"{{name}}"},"spec":{{spec}}}""";
}
