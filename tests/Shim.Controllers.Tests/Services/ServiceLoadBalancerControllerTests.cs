using Shim.Client;
using Shim.Controllers.ServiceLoadBalancer;
using Shim.Controllers.Tests.Support;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;

namespace Shim.Controllers.Tests.Services;

public sealed class ServiceLoadBalancerControllerTests
{
    private static Service LoadBalancer(string name, int port, string? loadBalancerClass = null) => new()
    {
        Metadata = new ObjectMeta { Name = name },
        Spec = new ServiceSpec
        {
            Type = "LoadBalancer",
            LoadBalancerClass = loadBalancerClass,
            Selector = new() { ["app"] = name },
            Ports = [new ServicePort { Name = "web", Port = port, Protocol = "TCP", TargetPort = 8080 }],
        },
    };

    private static List<string> Ingress(Service? service) => [.. service?.Status?.LoadBalancer?.Ingress?.Select(i => i.Ip!) ?? []];

    private static Task<Service> IngressAsync(ServiceCluster cluster, string name, string[] ips) =>
        Eventually.UntilAsync(async () => await cluster.ServiceAsync(name) is { } s && Ingress(s).SequenceEqual(ips) ? s : null,
            $"{name} ingress [{string.Join(", ", ips)}]");

    [Fact]
    public async Task The_ingress_lists_every_ready_schedulable_node_and_follows_the_nodes()
    {
        await using var cluster = await ServiceCluster.StartAsync();
        await cluster.CreateNodeAsync("node-b", "10.0.0.10");
        await cluster.CreateNodeAsync("node-c", "10.0.0.3", ready: false);
        await cluster.CreateServiceAsync(LoadBalancer("web", 80));
        await cluster.CreateServiceAsync(LoadBalancer("other-lb", 81, loadBalancerClass: "example.com/lb"));
        await cluster.CreateServiceAsync(ServiceCluster.SelectorService("plain", "plain"));

        var service = await IngressAsync(cluster, "web", ["10.0.0.1", "10.0.0.10"]);
        Assert.All(service.Status!.LoadBalancer!.Ingress!, i => Assert.Equal("VIP", i.IpMode));

        await cluster.SetNodeStatusAsync("node-c", "10.0.0.3", ready: true);
        await IngressAsync(cluster, "web", ["10.0.0.1", "10.0.0.3", "10.0.0.10"]);
        await cluster.PatchNodeAsync("node-b", """{"spec":{"unschedulable":true}}""");
        await IngressAsync(cluster, "web", ["10.0.0.1", "10.0.0.3"]);
        await cluster.Client.DeleteAsync(ResourcePath.For<Node>(null, "node-c"), null, CancellationToken.None);
        await IngressAsync(cluster, "web", ["10.0.0.1"]);

        Assert.Empty(Ingress(await cluster.ServiceAsync("other-lb")));
        Assert.Empty(Ingress(await cluster.ServiceAsync("plain")));

        await cluster.Client.PatchAsync<Service>(ResourcePath.For<Service>(ServiceCluster.Namespace, "web"), KubeClient.MergePatch,
            """{"spec":{"type":"ClusterIP","allocateLoadBalancerNodePorts":null,"externalTrafficPolicy":null}}""", CancellationToken.None);
        await IngressAsync(cluster, "web", []);

        // The Normal events of upstream's service controller (the node changes' updates aggregate into one event).
        string[] expected =
        [
            "EnsuringLoadBalancer: Ensuring load balancer", "EnsuredLoadBalancer: Ensured load balancer",
            "UpdatedLoadBalancer: Updated load balancer with new hosts",
            "DeletingLoadBalancer: Deleting load balancer", "DeletedLoadBalancer: Deleted load balancer",
        ];
        List<string> seen = [];
        await Eventually.TrueAsync(
            async () =>
            {
                seen = [.. (await cluster.EventsAsync("web")).Where(e => e.Type == "Normal").Select(e => $"{e.Reason}: {e.Message}").Distinct().Order(StringComparer.Ordinal)];
                return seen.SequenceEqual(expected.Order(StringComparer.Ordinal));
            },
            "the load balancer events",
            describe: () => string.Join(" | ", seen));
    }

    [Fact]
    public async Task The_older_service_keeps_a_contested_port_and_the_younger_gets_it_when_freed()
    {
        await using var cluster = await ServiceCluster.StartAsync();
        await cluster.CreateServiceAsync(LoadBalancer("first", 80));
        await IngressAsync(cluster, "first", ["10.0.0.1"]);
        await cluster.CreateServiceAsync(LoadBalancer("second", 80));
        await cluster.CreateServiceAsync(LoadBalancer("third", 443));

        await IngressAsync(cluster, "third", ["10.0.0.1"]);
        var warning = await Eventually.UntilAsync(async () => (await cluster.EventsAsync("second")).FirstOrDefault(e => e.Reason == ServiceLoadBalancerController.ConflictReason), "a conflict warning");
        Assert.Equal("Warning", warning.Type);
        Assert.Contains("port 80/TCP is already used by LoadBalancer service default/first", warning.Message, StringComparison.Ordinal);
        Assert.Empty(Ingress(await cluster.ServiceAsync("second")));
        Assert.Equal(["10.0.0.1"], Ingress(await cluster.ServiceAsync("first")));

        await cluster.Client.DeleteAsync(ResourcePath.For<Service>(ServiceCluster.Namespace, "first"), null, CancellationToken.None);
        await IngressAsync(cluster, "second", ["10.0.0.1"]);
    }
}
