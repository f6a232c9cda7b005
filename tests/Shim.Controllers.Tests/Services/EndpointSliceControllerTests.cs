using Shim.Client;
using Shim.Controllers.EndpointSlices;
using Shim.Controllers.Tests.Support;
using Shim.Model.Core.V1;
using Shim.Model.Discovery.V1;
using Shim.Model.Meta.V1;
using EndpointPort = Shim.Model.Discovery.V1.EndpointPort;
using EndpointSliceKind = Shim.Model.Discovery.V1.EndpointSlice;

namespace Shim.Controllers.Tests.Services;

public sealed class EndpointSliceControllerTests
{
    private static Endpoint EndpointOf(EndpointSliceKind slice, string pod) => Assert.Single(slice.Endpoints!, e => e.TargetRef?.Name == pod);

    private static (bool?, bool?, bool?) Conditions(Endpoint endpoint) =>
        (endpoint.Conditions?.Ready, endpoint.Conditions?.Serving, endpoint.Conditions?.Terminating);

    private static Task<List<EndpointSliceKind>> SlicesWhereAsync(ServiceCluster cluster, string service, Func<List<EndpointSliceKind>, bool> condition, string what) =>
        Eventually.UntilAsync(async () => await cluster.ManagedSlicesAsync(service) is { } slices && condition(slices) ? slices : null, what);

    private static bool Holds(EndpointSliceKind slice, string pod, (bool?, bool?, bool?) conditions) =>
        slice.Endpoints?.FirstOrDefault(e => e.TargetRef?.Name == pod) is { } endpoint && Conditions(endpoint) == conditions;

    [Fact]
    public async Task Slices_carry_the_pods_with_their_conditions_and_readiness_changes_update_the_slice_in_place()
    {
        await using var cluster = await ServiceCluster.StartAsync();
        var service = await cluster.CreateServiceAsync(ServiceCluster.SelectorService("web", "web"));
        var pod = await cluster.CreatePodAsync("web-1", "web", "10.244.1.11");
        await cluster.CreatePodAsync("web-2", "web", "10.244.1.12", ready: false);
        await cluster.CreatePodAsync("web-3", "web", ip: null);

        var slice = Assert.Single(await SlicesWhereAsync(cluster, "web", s => s is [{ Endpoints.Count: 2 }], "one slice with two endpoints"));
        Assert.Equal("IPv4", slice.AddressType);
        Assert.Equal("web-", slice.Metadata!.GenerateName);
        Assert.StartsWith("web-", slice.Metadata.Name, StringComparison.Ordinal);
        Assert.Equal(("web", EndpointSliceController.ControllerName, "blue"),
            (slice.Metadata.Labels!["kubernetes.io/service-name"], slice.Metadata.Labels["endpointslice.kubernetes.io/managed-by"], slice.Metadata.Labels["team"]));
        var owner = Assert.Single(slice.Metadata.OwnerReferences!);
        Assert.Equal(("v1", "Service", "web", service.Metadata!.Uid, true, true), (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        var port = Assert.Single(slice.Ports!);
        Assert.Equal(("http", 8080, "TCP"), (port.Name, port.Port, port.Protocol));

        var first = EndpointOf(slice, "web-1");
        Assert.Equal(["10.244.1.11"], first.Addresses!);
        Assert.Equal((true, true, false), Conditions(first));
        Assert.Equal((ServiceCluster.NodeName, ServiceCluster.Zone), (first.NodeName, first.Zone));
        Assert.Equal(("Pod", "default", pod.Metadata!.Uid), (first.TargetRef!.Kind, first.TargetRef.Namespace, first.TargetRef.Uid));
        Assert.Equal((false, false, false), Conditions(EndpointOf(slice, "web-2")));

        await cluster.ReportAsync("web-2", "10.244.1.12", ready: true);
        var updated = Assert.Single(await SlicesWhereAsync(cluster, "web", s => s is [var only] && Holds(only, "web-2", (true, true, false)), "web-2 ready"));
        Assert.Equal(slice.Metadata.Name, updated.Metadata!.Name);

        await cluster.ReportAsync("web-1", "10.244.1.11", ready: false);
        updated = Assert.Single(await SlicesWhereAsync(cluster, "web", s => s is [var only] && Holds(only, "web-1", (false, false, false)), "web-1 not ready"));
        Assert.Equal(slice.Metadata.Name, updated.Metadata!.Name);
    }

    [Fact]
    public async Task Terminating_pods_stay_serving_but_not_ready_and_published_services_call_every_endpoint_ready()
    {
        await using var cluster = await ServiceCluster.StartAsync();
        await cluster.CreateServiceAsync(ServiceCluster.SelectorService("web", "web"));
        await cluster.CreateServiceAsync(ServiceCluster.SelectorService("peers", "web", publishNotReady: true));
        await cluster.CreatePodAsync("web-1", "web", "10.244.1.11");
        await cluster.CreatePodAsync("web-2", "web", "10.244.1.12", ready: false);
        await SlicesWhereAsync(cluster, "web", s => s is [{ Endpoints.Count: 2 }], "both pods in the slice");

        await cluster.DeletePodAsync("web-1");

        await SlicesWhereAsync(cluster, "web", s => s is [var only] && Holds(only, "web-1", (false, true, true)), "web-1 terminating: serving, not ready");
        var peers = Assert.Single(await SlicesWhereAsync(cluster, "peers", s => s is [var only] && Holds(only, "web-1", (true, true, true)), "web-1 terminating but published ready"));
        Assert.Equal((true, false, false), Conditions(EndpointOf(peers, "web-2")));
    }

    [Fact]
    public async Task Pods_resolving_a_named_port_differently_go_to_different_slices_and_hostnames_follow_the_subdomain()
    {
        await using var cluster = await ServiceCluster.StartAsync();
        await cluster.CreateServiceAsync(ServiceCluster.SelectorService("db", "db", targetPort: "serve"));
        await cluster.CreatePodAsync("db-0", "db", "10.244.1.20", ports: [("serve", 8080)], hostname: "db-0", subdomain: "db");
        await cluster.CreatePodAsync("db-1", "db", "10.244.1.21", ports: [("serve", 9090)], hostname: "db-1", subdomain: "elsewhere");
        await cluster.CreatePodAsync("db-2", "db", "10.244.1.22", ports: [("metrics", 9100)]);

        var slices = await SlicesWhereAsync(cluster, "db", s => s.Count == 3 && s.All(x => x.Endpoints?.Count == 1), "one slice per resolved port set");
        var byPort = slices.ToDictionary(s => s.Ports is [var p] ? p.Port!.Value : 0);
        Assert.Equal(("http", "db-0", "db-0"), (byPort[8080].Ports![0].Name, EndpointOf(byPort[8080], "db-0").TargetRef!.Name, EndpointOf(byPort[8080], "db-0").Hostname));
        Assert.Null(EndpointOf(byPort[9090], "db-1").Hostname);
        // As upstream: a pod without the named port is still an endpoint, in a slice without ports.
        Assert.Empty(byPort[0].Ports ?? []);
        EndpointOf(byPort[0], "db-2");
    }

    [Fact]
    public async Task More_than_a_hundred_pods_take_several_slices_and_one_pod_changing_rewrites_only_its_slice()
    {
        await using var cluster = await ServiceCluster.StartAsync();
        const int count = 150;
        // Pods first, so the service's first sync sees them all.
        for (var batch = 0; batch < count; batch += 25)
        {
            await Task.WhenAll(Enumerable.Range(batch, 25).Select(i => cluster.CreatePodAsync($"big-{i:000}", "big", $"10.244.2.{i + 1}")));
        }

        await cluster.CreateServiceAsync(ServiceCluster.SelectorService("big", "big"));
        var slices = await SlicesWhereAsync(cluster, "big", s => s.Sum(x => x.Endpoints?.Count ?? 0) == count, "all pods in slices");
        Assert.True(slices.Count >= 2, $"{slices.Count} slices");
        Assert.All(slices, s => Assert.InRange(s.Endpoints!.Count, 1, EndpointSliceController.DefaultMaxEndpointsPerSlice));
        var versions = slices.ToDictionary(s => s.Metadata!.Name!, s => s.Metadata!.ResourceVersion);
        var changed = slices.Single(s => s.Endpoints!.Any(e => e.TargetRef!.Name == "big-042")).Metadata!.Name!;

        await cluster.ReportAsync("big-042", "10.244.2.43", ready: false);

        await SlicesWhereAsync(cluster, "big", s => s.Any(x => Holds(x, "big-042", (false, false, false))), "big-042 not ready");
        await Task.Delay(1000);
        var after = await cluster.ManagedSlicesAsync("big");
        Assert.Equal(versions.Keys.Order(StringComparer.Ordinal), after.Select(s => s.Metadata!.Name!).Order(StringComparer.Ordinal));
        Assert.All(after, s => Assert.Equal(s.Metadata!.Name == changed, s.Metadata.ResourceVersion != versions[s.Metadata.Name!]));
    }

    [Fact]
    public async Task Selectorless_services_and_slices_managed_by_others_are_left_alone()
    {
        await using var cluster = await ServiceCluster.StartAsync();
        await cluster.CreateServiceAsync(new Service
        {
            Metadata = new ObjectMeta { Name = "dns" },
            Spec = new ServiceSpec { Ports = [new ServicePort { Name = "dns", Port = 53, Protocol = "UDP", TargetPort = 53 }] },
        });
        var agentSlice = await CreateForeignSliceAsync(cluster, "dns-node-a", "dns", "shim-agent");
        var foreign = await CreateForeignSliceAsync(cluster, "web-by-hand", "web", "someone-else");
        await cluster.CreateServiceAsync(ServiceCluster.SelectorService("web", "web"));
        await cluster.CreatePodAsync("web-1", "web", "10.244.1.11");

        await SlicesWhereAsync(cluster, "web", s => s is [{ Endpoints.Count: 1 }], "the controller's own slice");
        await Task.Delay(1000);
        Assert.Empty(await cluster.ManagedSlicesAsync("dns"));
        var all = (await cluster.SlicesAsync("dns")).Concat(await cluster.SlicesAsync("web")).ToDictionary(s => s.Metadata!.Name!);
        Assert.Equal(agentSlice.Metadata!.ResourceVersion, all["dns-node-a"].Metadata!.ResourceVersion);
        Assert.Equal(foreign.Metadata!.ResourceVersion, all["web-by-hand"].Metadata!.ResourceVersion);
    }

    [Fact]
    public async Task A_service_without_endpoints_has_a_placeholder_slice_that_is_reused_and_slices_go_with_the_service()
    {
        await using var cluster = await ServiceCluster.StartAsync(garbageCollector: true);
        await cluster.CreateServiceAsync(ServiceCluster.SelectorService("web", "web"));
        var placeholder = Assert.Single(await SlicesWhereAsync(cluster, "web", s => s.Count == 1, "a placeholder slice"));
        Assert.Empty(placeholder.Endpoints ?? []);
        Assert.Empty(placeholder.Ports ?? []);

        await cluster.CreatePodAsync("web-1", "web", "10.244.1.11");
        var slice = Assert.Single(await SlicesWhereAsync(cluster, "web", s => s is [{ Endpoints.Count: 1 }], "the pod in a slice"));
        Assert.Equal(placeholder.Metadata!.Name, slice.Metadata!.Name);

        // A managed slice deleted by someone comes back.
        await cluster.Client.DeleteAsync(ResourcePath.For<EndpointSliceKind>(ServiceCluster.Namespace, slice.Metadata.Name), null, CancellationToken.None);
        await SlicesWhereAsync(cluster, "web", s => s is [{ Endpoints.Count: 1 } again] && again.Metadata!.Name != slice.Metadata.Name, "the slice recreated");

        await cluster.Client.DeleteAsync(ResourcePath.For<Service>(ServiceCluster.Namespace, "web"), null, CancellationToken.None);
        await SlicesWhereAsync(cluster, "web", s => s.Count == 0, "the slices collected with the service");
    }

    private static Task<EndpointSliceKind> CreateForeignSliceAsync(ServiceCluster cluster, string name, string service, string manager) =>
        cluster.Client.CreateAsync(ResourcePath.For<EndpointSliceKind>(ServiceCluster.Namespace), new EndpointSliceKind
        {
            Metadata = new ObjectMeta
            {
                Name = name,
                Labels = new() { ["kubernetes.io/service-name"] = service, ["endpointslice.kubernetes.io/managed-by"] = manager },
            },
            AddressType = "IPv4",
            Endpoints = [new Endpoint { Addresses = ["10.244.9.1"], Conditions = new EndpointConditions { Ready = true, Serving = true, Terminating = false } }],
            Ports = [new EndpointPort { Name = "p", Port = 53, Protocol = "UDP" }],
        }, CancellationToken.None);
}
