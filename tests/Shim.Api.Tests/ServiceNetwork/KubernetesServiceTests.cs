using Shim.Api.ServiceNetwork;
using Xunit;

namespace Shim.Api.Tests.ServiceNetwork;

/// <summary>What every API server keeps in place: the kubernetes Service and endpoints, its identity lease, the kube-dns Service.</summary>
public sealed class KubernetesServiceTests : IAsyncLifetime
{
    private ApiHost _api = null!;

    public async Task InitializeAsync() => _api = await ApiHost.StartAsync(configure: o => o with { AdvertiseAddress = "10.99.0.7" });

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task KubernetesServiceAndItsEndpoints()
    {
        var port = _api.Options.Port;
        var svc = await _api.OkAsync(HttpMethod.Get, "/api/v1/namespaces/default/services/kubernetes");
        Assert.Equal("10.96.0.1", svc.Text("spec.clusterIP"));
        Assert.Equal("""{"component":"apiserver","provider":"kubernetes"}""", svc.Json("metadata.labels"));
        Assert.Equal($$"""[{"name":"https","protocol":"TCP","port":443,"targetPort":{{port}}}]""", svc.Json("spec.ports"));
        Assert.Null(svc.Node("spec.selector"));
        Assert.Equal("SingleStack", svc.Text("spec.ipFamilyPolicy"));

        var endpoints = await _api.OkAsync(HttpMethod.Get, "/api/v1/namespaces/default/endpoints/kubernetes");
        Assert.Equal("""{"endpointslice.kubernetes.io/skip-mirror":"true"}""", endpoints.Json("metadata.labels"));
        Assert.Equal($$"""[{"addresses":[{"ip":"10.99.0.7"}],"ports":[{"name":"https","port":{{port}},"protocol":"TCP"}]}]""", endpoints.Json("subsets"));

        var slice = await _api.OkAsync(HttpMethod.Get, "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes");
        Assert.Equal("""{"kubernetes.io/service-name":"kubernetes"}""", slice.Json("metadata.labels"));
        Assert.Equal("IPv4", slice.Text("addressType"));
        Assert.Equal("""[{"addresses":["10.99.0.7"],"conditions":{"ready":true}}]""", slice.Json("endpoints"));
        Assert.Equal($$"""[{"name":"https","port":{{port}},"protocol":"TCP"}]""", slice.Json("ports"));
    }

    [Fact]
    public async Task PassesWithNothingToChangeWriteNothingButTheLease()
    {
        var reconciler = _api.Get<KubernetesServiceReconciler>();
        await reconciler.ReconcileOnceAsync(default);
        var before = await VersionsAsync();
        await reconciler.ReconcileOnceAsync(default);
        Assert.Equal(before, await VersionsAsync());
    }

    [Fact]
    public async Task IdentityLeaseCarriesTheAdvertisedAddress()
    {
        var name = _api.Get<KubernetesServiceReconciler>().LeaseName;
        Assert.Matches("^apiserver-[a-z2-7]{26}$", name);
        var lease = await _api.OkAsync(HttpMethod.Get, $"/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/{name}");
        Assert.Equal("kube-apiserver", lease.Node("metadata.labels")!["apiserver.kubernetes.io/identity"]!.GetValue<string>());
        Assert.Equal($"10.99.0.7:{_api.Options.Port}", lease.Node("metadata.annotations")!["kubernetes.io/peer-advertise-address"]!.GetValue<string>());
        Assert.StartsWith(name + "_", lease.Text("spec.holderIdentity"), StringComparison.Ordinal);
        Assert.Equal(KubernetesServiceReconciler.LeaseDurationSeconds, lease.Number("spec.leaseDurationSeconds"));
        Assert.NotNull(lease.Text("spec.renewTime"));
    }

    [Fact]
    public async Task KubeDnsServiceHoldsTheClusterDnsAddress()
    {
        var dns = await _api.OkAsync(HttpMethod.Get, "/api/v1/namespaces/kube-system/services/kube-dns");
        Assert.Equal("10.96.0.10", dns.Text("spec.clusterIP"));
        Assert.Equal("""{"k8s-app":"kube-dns","kubernetes.io/cluster-service":"true","kubernetes.io/name":"KubeDNS"}""", dns.Json("metadata.labels"));
        Assert.Equal("""[{"name":"dns","protocol":"UDP","port":53,"targetPort":53},{"name":"dns-tcp","protocol":"TCP","port":53,"targetPort":53}]""", dns.Json("spec.ports"));
        Assert.Equal("Local", dns.Text("spec.internalTrafficPolicy"));
        Assert.Null(dns.Node("spec.selector"));

        // Nobody else can take it.
        var (code, status) = await _api.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/services",
            """{"apiVersion":"v1","kind":"Service","metadata":{"name":"squatter"},"spec":{"clusterIP":"10.96.0.10","ports":[{"port":53}]}}""");
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, code);
        Assert.Contains("provided IP is already allocated", status.Text("message"), StringComparison.Ordinal);
    }

    private async Task<string> VersionsAsync()
    {
        var paths = new[]
        {
            "/api/v1/namespaces/default/services/kubernetes", "/api/v1/namespaces/kube-system/services/kube-dns",
            "/api/v1/namespaces/default/endpoints/kubernetes", "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes",
        };
        var versions = new List<string?>();
        foreach (var path in paths)
        {
            versions.Add((await _api.OkAsync(HttpMethod.Get, path)).Text("metadata.resourceVersion"));
        }

        return string.Join(",", versions);
    }

    [Fact]
    public async Task DeletedKubernetesServiceAndChangedPortsComeBack()
    {
        await _api.OkAsync(HttpMethod.Patch, "/api/v1/namespaces/default/services/kubernetes", """{"spec":{"ports":[{"name":"https","port":8443,"protocol":"TCP","targetPort":1}]}}""", "application/merge-patch+json");
        var reconciler = _api.Get<KubernetesServiceReconciler>();
        await reconciler.ReconcileOnceAsync(default);
        var reset = await _api.OkAsync(HttpMethod.Get, "/api/v1/namespaces/default/services/kubernetes");
        Assert.Equal(443, reset.Number("spec.ports[0].port"));

        await _api.OkAsync(HttpMethod.Delete, "/api/v1/namespaces/kube-system/services/kube-dns");
        await _api.OkAsync(HttpMethod.Delete, "/api/v1/namespaces/default/services/kubernetes");
        await reconciler.ReconcileOnceAsync(default);
        var recreated = await _api.OkAsync(HttpMethod.Get, "/api/v1/namespaces/default/services/kubernetes");
        Assert.Equal("10.96.0.1", recreated.Text("spec.clusterIP"));
        var dns = await _api.OkAsync(HttpMethod.Get, "/api/v1/namespaces/kube-system/services/kube-dns");
        Assert.Equal("10.96.0.10", dns.Text("spec.clusterIP"));
    }
}
