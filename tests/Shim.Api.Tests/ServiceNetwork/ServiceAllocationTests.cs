using System.Net;
using System.Text.Json.Nodes;
using Shim.Api.ServiceNetwork;
using Xunit;

namespace Shim.Api.Tests.ServiceNetwork;

/// <summary>Cluster IPs and node ports as a client sees them through the API (one server, memory store, default ranges).</summary>
public sealed class ServiceAllocationTests : IAsyncLifetime
{
    private static readonly ServiceIpRange Range = ServiceIpRange.Parse("10.96.0.0/12");
    private ApiHost _api = null!;
    private string _ns = "";

    public async Task InitializeAsync()
    {
        _api = await ApiHost.StartAsync();
        _ns = "t" + Guid.NewGuid().ToString("N")[..8];
        await _api.OkAsync(HttpMethod.Post, "/api/v1/namespaces", $$$"""{"metadata":{"name":"{{{_ns}}}"}}""");
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task ClusterIPServiceGetsAnAddressFromTheDynamicBand()
    {
        var svc = await CreateAsync("web", """{"selector":{"app":"web"},"ports":[{"port":80}]}""");
        var ip = svc.Text("spec.clusterIP")!;
        var index = Range.IndexOf(IPAddress.Parse(ip));
        Assert.NotNull(index);
        Assert.True(index >= Range.Offset, $"{ip} is in the static band");
        Assert.Equal($"[\"{ip}\"]", svc.Json("spec.clusterIPs"));
        Assert.Equal("""["IPv4"]""", svc.Json("spec.ipFamilies"));
        Assert.Equal("SingleStack", svc.Text("spec.ipFamilyPolicy"));
        Assert.Null(svc.Node("spec.ports[0].nodePort"));
        var read = await _api.OkAsync(HttpMethod.Get, $"/api/v1/namespaces/{_ns}/services/web");
        Assert.Equal(ip, read.Text("spec.clusterIP"));
    }

    [Fact]
    public async Task AllocatedValuesAreOwnedByNoFieldManager()
    {
        var svc = await CreateAsync("owned", """{"type":"NodePort","selector":{"app":"web"},"ports":[{"port":80}]}""");
        var fields = svc.Json("metadata.managedFields[0].fieldsV1");
        Assert.Contains("f:ports", fields, StringComparison.Ordinal);
        Assert.DoesNotContain("f:clusterIP", fields, StringComparison.Ordinal);
        Assert.DoesNotContain("f:nodePort", fields, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestedIPIsHonouredOnceAndConflictsAre422()
    {
        var first = await CreateAsync("a", """{"clusterIP":"10.96.3.5","ports":[{"port":80}]}""");
        Assert.Equal("10.96.3.5", first.Text("spec.clusterIP"));
        Assert.Equal("""["10.96.3.5"]""", first.Json("spec.clusterIPs"));

        var (code, status) = await TryCreateAsync("b", """{"clusterIP":"10.96.3.5","ports":[{"port":80}]}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal("Invalid", status.Text("reason"));
        Assert.Equal("""Service "b" is invalid: spec.clusterIPs: Invalid value: ["10.96.3.5"]: failed to allocate IP 10.96.3.5: provided IP is already allocated""", status.Text("message"));
        Assert.Equal("FieldValueInvalid", status.Text("details.causes[0].reason"));
        Assert.Equal("spec.clusterIPs", status.Text("details.causes[0].field"));
    }

    [Fact]
    public async Task IPOutsideTheRangeIs422WithTheRange()
    {
        var (code, status) = await TryCreateAsync("out", """{"clusterIP":"192.168.7.7","ports":[{"port":80}]}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal(
            """Service "out" is invalid: spec.clusterIPs: Invalid value: ["192.168.7.7"]: failed to allocate IP 192.168.7.7: the provided IP (192.168.7.7) is not in the valid range. The range of valid IPs is 10.96.0.0/12""",
            status.Text("message"));
        var (_, network) = await TryCreateAsync("net", """{"clusterIP":"10.96.0.0","ports":[{"port":80}]}""");
        Assert.Contains("is not in the valid range", network.Text("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IPv6IsNotConfiguredOnThisCluster()
    {
        var (code, status) = await TryCreateAsync("v6", """{"ipFamilies":["IPv6"],"ports":[{"port":80}]}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal("""Service "v6" is invalid: spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster""", status.Text("message"));
        var (_, dual) = await TryCreateAsync("dual", """{"ipFamilyPolicy":"RequireDualStack","ports":[{"port":80}]}""");
        Assert.Equal("""Service "dual" is invalid: spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services""", dual.Text("message"));
    }

    [Fact]
    public async Task DeletedServicesIPCanBeTakenAgain()
    {
        await CreateAsync("old", """{"clusterIP":"10.96.3.6","ports":[{"port":80}]}""");
        await _api.OkAsync(HttpMethod.Delete, $"/api/v1/namespaces/{_ns}/services/old");
        var again = await CreateAsync("new", """{"clusterIP":"10.96.3.6","ports":[{"port":80}]}""");
        Assert.Equal("10.96.3.6", again.Text("spec.clusterIP"));
    }

    [Fact]
    public async Task AFailedCreateGivesItsAllocationsBack()
    {
        await CreateAsync("dup", """{"ports":[{"port":80}]}""");
        var (code, _) = await TryCreateAsync("dup", """{"clusterIP":"10.96.3.7","type":"NodePort","ports":[{"port":80,"nodePort":30307}]}""");
        Assert.Equal(HttpStatusCode.Conflict, code);
        var other = await CreateAsync("other", """{"clusterIP":"10.96.3.7","type":"NodePort","ports":[{"port":80,"nodePort":30307}]}""");
        Assert.Equal(30307, other.Number("spec.ports[0].nodePort"));
    }

    [Fact]
    public async Task ExternalNameAndHeadlessServicesGetNoAddress()
    {
        var external = await CreateAsync("ext", """{"type":"ExternalName","externalName":"example.com"}""");
        Assert.Null(external.Node("spec.clusterIP"));
        Assert.Null(external.Node("spec.ipFamilies"));
        Assert.Null(external.Node("spec.ipFamilyPolicy"));

        var headless = await CreateAsync("headless", """{"clusterIP":"None","selector":{"app":"db"},"ports":[{"port":5432}]}""");
        Assert.Equal("None", headless.Text("spec.clusterIP"));
        Assert.Equal("""["None"]""", headless.Json("spec.clusterIPs"));
        Assert.Equal("""["IPv4"]""", headless.Json("spec.ipFamilies"));
        Assert.Equal("SingleStack", headless.Text("spec.ipFamilyPolicy"));

        // Upstream: headless without selector defaults to dual-stack even on a single-stack cluster.
        var selectorless = await CreateAsync("manual", """{"clusterIP":"None","ports":[{"port":5432}]}""");
        Assert.Equal("RequireDualStack", selectorless.Text("spec.ipFamilyPolicy"));
        Assert.Equal("""["IPv4","IPv6"]""", selectorless.Json("spec.ipFamilies"));
    }

    [Fact]
    public async Task NodePortsComeFromTheRangeAndAreSharedByProtocolsOfOnePort()
    {
        var svc = await CreateAsync("np", """{"type":"NodePort","ports":[{"name":"dns","port":53,"protocol":"UDP"},{"name":"dns-tcp","port":53,"protocol":"TCP"},{"name":"http","port":80}]}""");
        var udp = svc.Number("spec.ports[0].nodePort")!.Value;
        var tcp = svc.Number("spec.ports[1].nodePort")!.Value;
        var http = svc.Number("spec.ports[2].nodePort")!.Value;
        Assert.InRange(udp, 30000, 32767);
        Assert.InRange(http, 30000, 32767);
        Assert.Equal(udp, tcp);
        Assert.NotEqual(udp, http);
        Assert.NotNull(svc.Text("spec.clusterIP"));
    }

    [Fact]
    public async Task RequestedNodePortIsHonouredOnceAndChecked()
    {
        var svc = await CreateAsync("np1", """{"type":"NodePort","ports":[{"port":80,"nodePort":30080}]}""");
        Assert.Equal(30080, svc.Number("spec.ports[0].nodePort"));

        var (code, taken) = await TryCreateAsync("np2", """{"type":"NodePort","ports":[{"port":80,"nodePort":30080}]}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal("""Service "np2" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated""", taken.Text("message"));
        Assert.Equal("spec.ports[0].nodePort", taken.Text("details.causes[0].field"));

        var (_, outside) = await TryCreateAsync("np3", """{"type":"NodePort","ports":[{"port":80,"nodePort":8080}]}""");
        Assert.Equal("""Service "np3" is invalid: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767""", outside.Text("message"));

        // The refused creates claimed nothing: their cluster IPs and ports stayed free.
        var keys = await _api.Store.ListAsync(ServiceAllocator.NodePortPrefix, default);
        Assert.Single(keys.Entries, e => e.Key.EndsWith("/30080", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NodePortsAreKeptWhenAnUpdateLeavesThemOut()
    {
        var created = await CreateAsync("keep", """{"type":"NodePort","selector":{"app":"a"},"ports":[{"name":"http","port":80},{"name":"https","port":443}]}""");
        var http = created.Number("spec.ports[0].nodePort");
        var https = created.Number("spec.ports[1].nodePort");
        var ip = created.Text("spec.clusterIP");

        // PUT of the original manifest (no clusterIP, no nodePort), as a client replacing what it applied.
        var put = await _api.OkAsync(HttpMethod.Put, $"/api/v1/namespaces/{_ns}/services/keep",
            Manifest("keep", """{"type":"NodePort","selector":{"app":"b"},"ports":[{"name":"http","port":80},{"name":"https","port":443}]}"""));
        Assert.Equal(http, put.Number("spec.ports[0].nodePort"));
        Assert.Equal(https, put.Number("spec.ports[1].nodePort"));
        Assert.Equal(ip, put.Text("spec.clusterIP"));

        // Server-side apply of the same manifest.
        var applied = await _api.OkAsync(HttpMethod.Patch, $"/api/v1/namespaces/{_ns}/services/keep?fieldManager=kubectl",
            Manifest("keep", """{"type":"NodePort","selector":{"app":"b"},"ports":[{"name":"http","port":80},{"name":"https","port":443}]}"""),
            "application/apply-patch+yaml");
        Assert.Equal(http, applied.Number("spec.ports[0].nodePort"));
        Assert.Equal(https, applied.Number("spec.ports[1].nodePort"));
        Assert.Equal(ip, applied.Text("spec.clusterIP"));
    }

    [Fact]
    public async Task ChangingTypeAllocatesAndReleases()
    {
        var svc = await CreateAsync("morph", """{"type":"NodePort","clusterIP":"10.96.3.8","ports":[{"port":80,"nodePort":30308}]}""");
        Assert.Equal(30308, svc.Number("spec.ports[0].nodePort"));

        // NodePort -> ClusterIP: the node port goes (the patch only changes the type) and is free again.
        var clusterIp = await _api.OkAsync(HttpMethod.Patch, $"/api/v1/namespaces/{_ns}/services/morph", """{"spec":{"type":"ClusterIP"}}""", "application/merge-patch+json");
        Assert.Null(clusterIp.Node("spec.ports[0].nodePort"));
        await CreateAsync("takes-port", """{"type":"NodePort","ports":[{"port":80,"nodePort":30308}]}""");

        // ClusterIP -> ExternalName: the cluster IP and families go and the IP is free again.
        var external = await _api.OkAsync(HttpMethod.Patch, $"/api/v1/namespaces/{_ns}/services/morph",
            """{"spec":{"type":"ExternalName","externalName":"example.com"}}""", "application/merge-patch+json");
        Assert.Null(external.Node("spec.clusterIP"));
        Assert.Null(external.Node("spec.clusterIPs"));
        Assert.Null(external.Node("spec.ipFamilies"));
        await CreateAsync("takes-ip", """{"clusterIP":"10.96.3.8","ports":[{"port":80}]}""");

        // ExternalName -> NodePort: a new address and node port.
        var back = await _api.OkAsync(HttpMethod.Patch, $"/api/v1/namespaces/{_ns}/services/morph",
            """{"spec":{"type":"NodePort","externalName":null}}""", "application/merge-patch+json");
        Assert.NotNull(back.Text("spec.clusterIP"));
        Assert.NotEqual("10.96.3.8", back.Text("spec.clusterIP"));
        Assert.InRange(back.Number("spec.ports[0].nodePort")!.Value, 30000, 32767);
        Assert.NotEqual(30308, back.Number("spec.ports[0].nodePort"));
        Assert.Equal("SingleStack", back.Text("spec.ipFamilyPolicy"));
    }

    [Fact]
    public async Task UpdatesClaimNewNodePortsAndFreeDroppedOnes()
    {
        var svc = await CreateAsync("ports", """{"type":"NodePort","ports":[{"name":"a","port":80,"nodePort":30401}]}""");
        var rv = svc.Text("metadata.resourceVersion");

        // A write refused (stale resourceVersion) claims nothing.
        var (stale, _) = await _api.SendAsync(HttpMethod.Put, $"/api/v1/namespaces/{_ns}/services/ports",
            Manifest("ports", """{"type":"NodePort","ports":[{"name":"a","port":80,"nodePort":30401},{"name":"b","port":81,"nodePort":30402}]}""").Replace("\"name\":\"ports\"", "\"name\":\"ports\",\"resourceVersion\":\"1\"", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Conflict, stale);
        // So does a dry run.
        await _api.OkAsync(HttpMethod.Patch, $"/api/v1/namespaces/{_ns}/services/ports?dryRun=All",
            """{"spec":{"ports":[{"name":"a","port":80,"nodePort":30401},{"name":"c","port":82,"nodePort":30403}]}}""", "application/merge-patch+json");
        var keys = (await _api.Store.ListAsync(ServiceAllocator.NodePortPrefix, default)).Entries.Select(e => e.Key[ServiceAllocator.NodePortPrefix.Length..]).ToList();
        Assert.DoesNotContain("30402", keys);
        Assert.DoesNotContain("30403", keys);

        // A port added gets a node port; a port removed frees its node port.
        var updated = await _api.OkAsync(HttpMethod.Patch, $"/api/v1/namespaces/{_ns}/services/ports",
            $$$"""{"metadata":{"resourceVersion":"{{{rv}}}"},"spec":{"ports":[{"name":"b","port":81}]}}""", "application/merge-patch+json");
        Assert.InRange(updated.Number("spec.ports[0].nodePort")!.Value, 30000, 32767);
        Assert.NotEqual(30401, updated.Number("spec.ports[0].nodePort"));
        await CreateAsync("takes-30401", """{"type":"NodePort","ports":[{"port":80,"nodePort":30401}]}""");
    }

    [Fact]
    public async Task ClusterIPCannotChange()
    {
        await CreateAsync("fixed", """{"clusterIP":"10.96.3.9","ports":[{"port":80}]}""");
        var (code, status) = await _api.SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{_ns}/services/fixed",
            """{"spec":{"clusterIP":"10.96.3.10","clusterIPs":["10.96.3.10"]}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Contains("spec.clusterIPs[0]: Invalid value: [\"10.96.3.10\"]: may not change once set", status.Text("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRunShowsAnAddressButKeepsNothing()
    {
        var dry = await _api.OkAsync(HttpMethod.Post, $"/api/v1/namespaces/{_ns}/services?dryRun=All",
            Manifest("dry", """{"type":"NodePort","clusterIP":"10.96.3.11","ports":[{"port":80,"nodePort":30311}]}"""));
        Assert.Equal("10.96.3.11", dry.Text("spec.clusterIP"));
        Assert.Equal(30311, dry.Number("spec.ports[0].nodePort"));
        var generated = await _api.OkAsync(HttpMethod.Post, $"/api/v1/namespaces/{_ns}/services?dryRun=All", Manifest("dry2", """{"ports":[{"port":80}]}"""));
        Assert.NotNull(Range.IndexOf(IPAddress.Parse(generated.Text("spec.clusterIP")!)));

        var (code, _) = await _api.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{_ns}/services/dry");
        Assert.Equal(HttpStatusCode.NotFound, code);
        var real = await CreateAsync("real", """{"type":"NodePort","clusterIP":"10.96.3.11","ports":[{"port":80,"nodePort":30311}]}""");
        Assert.Equal("10.96.3.11", real.Text("spec.clusterIP"));

        // A dry run still reports what a real create would refuse.
        var (conflict, status) = await _api.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{_ns}/services?dryRun=All",
            Manifest("dry3", """{"clusterIP":"10.96.3.11","ports":[{"port":80}]}"""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, conflict);
        Assert.Contains("provided IP is already allocated", status.Text("message"), StringComparison.Ordinal);

        // A dry-run delete keeps the allocations.
        await _api.OkAsync(HttpMethod.Delete, $"/api/v1/namespaces/{_ns}/services/real?dryRun=All");
        var (stillTaken, _) = await TryCreateAsync("again", """{"clusterIP":"10.96.3.11","ports":[{"port":80}]}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, stillTaken);
    }

    [Fact]
    public async Task LoadBalancerPortsAndHealthCheckPort()
    {
        var local = await CreateAsync("lb", """{"type":"LoadBalancer","externalTrafficPolicy":"Local","ports":[{"port":80}]}""");
        var health = local.Number("spec.healthCheckNodePort");
        Assert.NotNull(health);
        Assert.InRange(health!.Value, 30000, 32767);
        Assert.NotEqual(health, local.Number("spec.ports[0].nodePort"));

        var noNodePorts = await CreateAsync("lb2", """{"type":"LoadBalancer","allocateLoadBalancerNodePorts":false,"ports":[{"port":80}]}""");
        Assert.Null(noNodePorts.Node("spec.ports[0].nodePort"));
        Assert.NotNull(noNodePorts.Text("spec.clusterIP"));

        // Local -> Cluster frees the health check port.
        var cluster = await _api.OkAsync(HttpMethod.Patch, $"/api/v1/namespaces/{_ns}/services/lb", """{"spec":{"externalTrafficPolicy":"Cluster"}}""", "application/merge-patch+json");
        Assert.Null(cluster.Node("spec.healthCheckNodePort"));
        await CreateAsync("takes-health", $$"""{"type":"NodePort","ports":[{"port":80,"nodePort":{{health}}}]}""");
    }

    private static string Manifest(string name, string spec) => $$"""{"apiVersion":"v1","kind":"Service","metadata":{"name":"{{name}}"},"spec":{{spec}}}""";

    private async Task<JsonObject> CreateAsync(string name, string spec) =>
        await _api.OkAsync(HttpMethod.Post, $"/api/v1/namespaces/{_ns}/services", Manifest(name, spec));

    private async Task<(HttpStatusCode Code, JsonObject Body)> TryCreateAsync(string name, string spec) =>
        await _api.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{_ns}/services", Manifest(name, spec));
}
