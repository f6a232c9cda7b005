using Shim.Client;
using Shim.Controllers.Endpoints;
using Shim.Controllers.Tests.Support;
using Shim.Model;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;
using EndpointsKind = Shim.Model.Core.V1.Endpoints;

namespace Shim.Controllers.Tests.Services;

public sealed class EndpointsControllerTests
{
    private static List<string> Ips(List<EndpointAddress>? addresses) => [.. (addresses ?? []).Select(a => a.Ip!)];

    private static Task<EndpointsKind> EndpointsWhereAsync(ServiceCluster cluster, string name, Func<EndpointsKind, bool> condition, string what) =>
        Eventually.UntilAsync(async () => await cluster.EndpointsAsync(name) is { } e && condition(e) ? e : null, what);

    [Fact]
    public async Task Ready_pods_are_addresses_unready_ones_not_ready_addresses_and_they_move_when_readiness_flips()
    {
        await using var cluster = await ServiceCluster.StartAsync();
        var service = await cluster.CreateServiceAsync(ServiceCluster.SelectorService("web", "web"));
        var ready = await cluster.CreatePodAsync("web-1", "web", "10.244.1.11");
        await cluster.CreatePodAsync("web-2", "web", "10.244.1.12", ready: false);
        await cluster.CreatePodAsync("web-3", "web", ip: null);
        await cluster.CreatePodAsync("other", "other", "10.244.1.99");

        var endpoints = await EndpointsWhereAsync(cluster, "web", e => e.Subsets is [{ Addresses.Count: 1, NotReadyAddresses.Count: 1 }], "one ready and one unready address");
        var subset = Assert.Single(endpoints.Subsets!);
        var address = Assert.Single(subset.Addresses!);
        Assert.Equal(("10.244.1.11", ServiceCluster.NodeName, "Pod", "default", "web-1", ready.Metadata!.Uid), (address.Ip, address.NodeName, address.TargetRef!.Kind, address.TargetRef.Namespace, address.TargetRef.Name, address.TargetRef.Uid));
        Assert.Null(address.Hostname);
        Assert.Equal(["10.244.1.12"], Ips(subset.NotReadyAddresses));
        var port = Assert.Single(subset.Ports!);
        Assert.Equal(("http", 8080, "TCP"), (port.Name, port.Port, port.Protocol));

        var labels = endpoints.Metadata!.Labels!;
        Assert.Equal("blue", labels["team"]);
        Assert.Equal(EndpointsController.ControllerName, labels[EndpointsController.ManagedByLabel]);
        Assert.Equal(!ServicePods.IsServiceIpSet(service), labels.ContainsKey(EndpointsController.HeadlessLabel));
        Assert.True(endpoints.Metadata.Annotations!.ContainsKey(TriggerTimeTracker.Annotation));
        Assert.Null(endpoints.Metadata.OwnerReferences);

        await cluster.ReportAsync("web-2", "10.244.1.12", ready: true);
        await EndpointsWhereAsync(cluster, "web", e => e.Subsets is [{ Addresses.Count: 2, NotReadyAddresses: null }], "both pods ready");

        await cluster.ReportAsync("web-1", "10.244.1.11", ready: false);
        endpoints = await EndpointsWhereAsync(cluster, "web", e => e.Subsets is [{ Addresses.Count: 1, NotReadyAddresses.Count: 1 }], "web-1 not ready again");
        Assert.Equal(["10.244.1.12"], Ips(endpoints.Subsets![0].Addresses));
        Assert.Equal(["10.244.1.11"], Ips(endpoints.Subsets[0].NotReadyAddresses));

        // A pod change no endpoint shows is not written.
        var version = endpoints.Metadata!.ResourceVersion;
        await cluster.Client.PatchAsync<Pod>(ResourcePath.For<Pod>(ServiceCluster.Namespace, "web-1"), KubeClient.MergePatch, """{"metadata":{"annotations":{"note":"x"}}}""", CancellationToken.None);
        await Task.Delay(1000);
        Assert.Equal(version, (await cluster.EndpointsAsync("web"))!.Metadata!.ResourceVersion);
    }

    [Fact]
    public async Task Terminating_pods_leave_the_endpoints_unless_not_ready_addresses_are_published()
    {
        await using var cluster = await ServiceCluster.StartAsync();
        await cluster.CreateServiceAsync(ServiceCluster.SelectorService("web", "web"));
        await cluster.CreateServiceAsync(ServiceCluster.SelectorService("peers", "web", publishNotReady: true));
        await cluster.CreatePodAsync("web-1", "web", "10.244.1.11");
        await cluster.CreatePodAsync("web-2", "web", "10.244.1.12");
        await cluster.CreatePodAsync("web-3", "web", "10.244.1.13", ready: false);
        await EndpointsWhereAsync(cluster, "web", e => e.Subsets is [{ Addresses.Count: 2 }], "two ready addresses");

        // Bound to a node and running: deletion waits for the (absent) agent, so the pod stays terminating.
        await cluster.DeletePodAsync("web-2");

        var endpoints = await EndpointsWhereAsync(cluster, "web", e => e.Subsets is [{ Addresses.Count: 1 }], "the terminating pod gone");
        Assert.Equal(["10.244.1.11"], Ips(endpoints.Subsets![0].Addresses));
        Assert.Equal(["10.244.1.13"], Ips(endpoints.Subsets[0].NotReadyAddresses));
        var peers = await EndpointsWhereAsync(cluster, "peers", e => e.Subsets is [{ Addresses.Count: 3 }], "every pod published");
        Assert.Equal(["10.244.1.11", "10.244.1.12", "10.244.1.13"], Ips(peers.Subsets![0].Addresses));
        Assert.Null(peers.Subsets[0].NotReadyAddresses);
    }

    [Fact]
    public async Task A_named_target_port_resolves_per_pod_and_hostnames_are_published_for_the_subdomain()
    {
        await using var cluster = await ServiceCluster.StartAsync();
        await cluster.CreateServiceAsync(ServiceCluster.SelectorService("db", "db", targetPort: "serve"));
        await cluster.CreatePodAsync("db-0", "db", "10.244.1.20", ports: [("serve", 8080)], hostname: "db-0", subdomain: "db");
        await cluster.CreatePodAsync("db-1", "db", "10.244.1.21", ports: [("serve", 9090)], hostname: "db-1", subdomain: "elsewhere");
        await cluster.CreatePodAsync("db-2", "db", "10.244.1.22", ports: [("metrics", 9100)]);

        var endpoints = await EndpointsWhereAsync(cluster, "db", e => e.Subsets is { Count: 2 }, "one subset per resolved port");
        var byPort = endpoints.Subsets!.ToDictionary(s => Assert.Single(s.Ports!).Port!.Value);
        Assert.Equal([8080, 9090], byPort.Keys.Order());
        var first = Assert.Single(byPort[8080].Addresses!);
        Assert.Equal(("10.244.1.20", "db-0"), (first.Ip, first.Hostname));
        var second = Assert.Single(byPort[9090].Addresses!);
        Assert.Equal(("10.244.1.21", null), (second.Ip, second.Hostname));
        Assert.All(endpoints.Subsets!, s => Assert.Equal("http", s.Ports![0].Name));
    }

    [Fact]
    public async Task Selectorless_services_keep_their_own_endpoints_and_a_deleted_service_takes_its_endpoints()
    {
        await using var cluster = await ServiceCluster.StartAsync();
        var manual = new Service
        {
            Metadata = new ObjectMeta { Name = "external" },
            Spec = new ServiceSpec { Ports = [new ServicePort { Name = "db", Port = 5432, Protocol = "TCP", TargetPort = 5432 }] },
        };
        await cluster.CreateServiceAsync(manual);
        var own = await cluster.Client.CreateAsync(ResourcePath.For<EndpointsKind>(ServiceCluster.Namespace), new EndpointsKind
        {
            Metadata = new ObjectMeta { Name = "external" },
            Subsets = [new EndpointSubset { Addresses = [new EndpointAddress { Ip = "192.0.2.10" }], Ports = [new EndpointPort { Name = "db", Port = 5432, Protocol = "TCP" }] }],
        }, CancellationToken.None);
        await cluster.CreateServiceAsync(ServiceCluster.SelectorService("web", "web"));
        await cluster.CreatePodAsync("web-1", "web", "10.244.1.11");
        await EndpointsWhereAsync(cluster, "web", e => e.Subsets is [{ Addresses.Count: 1 }], "the selector service's endpoints");

        var untouched = await cluster.EndpointsAsync("external");
        Assert.Equal(own.Metadata!.ResourceVersion, untouched!.Metadata!.ResourceVersion);

        await cluster.Client.DeleteAsync(ResourcePath.For<Service>(ServiceCluster.Namespace, "web"), null, CancellationToken.None);
        await Eventually.TrueAsync(async () => await cluster.EndpointsAsync("web") is null, "the endpoints deleted with the service");
    }

    [Fact]
    public void The_trigger_time_is_formatted_like_go_rfc3339_nano()
    {
        Assert.Equal("2024-05-01T10:00:00Z", TriggerTimeTracker.Format(new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero)));
        Assert.Equal("2024-05-01T08:00:00.25Z", TriggerTimeTracker.Format(new DateTimeOffset(2024, 5, 1, 10, 0, 0, 250, TimeSpan.FromHours(2))));
    }
}
