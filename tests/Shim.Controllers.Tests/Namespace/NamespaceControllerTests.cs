using Shim.Client;
using Shim.Controllers.Namespace;
using Shim.Controllers.Runtime;
using Shim.Controllers.Tests.Support;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;
using Shim.Model.Rbac.V1;
using Shim.Testing;
using NamespaceObject = Shim.Model.Core.V1.Namespace;

namespace Shim.Controllers.Tests.Namespace;

public sealed class NamespaceControllerTests
{
    private const string Ns = "doomed";

    [Fact]
    public async Task Deleting_a_namespace_removes_its_content_pods_gracefully_and_then_the_namespace()
    {
        await using var api = await ApiServer.StartAsync();
        var client = api.Client;
        var clock = new ManualTimeProvider();
        var informers = new SharedInformers(client, ApiServer.Loggers);
        using var controller = new NamespaceController(client, informers, clock, ApiServer.Loggers);
        using var stop = new CancellationTokenSource();
        var running = Task.WhenAll(informers.RunAsync(stop.Token), controller.RunAsync(stop.Token));

        await client.CreateAsync(ResourcePath.For<NamespaceObject>(), new NamespaceObject { Metadata = new ObjectMeta { Name = Ns } }, CancellationToken.None);
        await client.CreateAsync(ResourcePath.For<ConfigMap>(Ns), new ConfigMap { Metadata = new ObjectMeta { Name = "settings" } }, CancellationToken.None);
        await client.CreateAsync(ResourcePath.For<Secret>(Ns), new Secret { Metadata = new ObjectMeta { Name = "token" } }, CancellationToken.None);
        await client.CreateAsync(ResourcePath.For<Role>(Ns), new Role { Metadata = new ObjectMeta { Name = "reader" } }, CancellationToken.None);
        await client.CreateAsync(ResourcePath.For<Pod>(Ns), PodSpec("pending", nodeName: null), CancellationToken.None);
        var running1 = await client.CreateAsync(ResourcePath.For<Pod>(Ns), PodSpec("running", nodeName: "node-1"), CancellationToken.None);
        await Kubelet.MarkReadyAsync(client, running1);

        await client.DeleteAsync(ResourcePath.For<NamespaceObject>(name: Ns), null, CancellationToken.None);

        // Everything goes at once except the running pod, which its node agent has to stop first.
        var terminating = await Eventually.UntilAsync(async () =>
        {
            var ns = await client.GetAsync<NamespaceObject>(ResourcePath.For<NamespaceObject>(name: Ns), CancellationToken.None);
            return ns?.Status?.Conditions?.Any(c => c is { Type: "NamespaceContentRemaining", Status: "True" }) == true ? ns : null;
        }, "the namespace to report remaining content");
        Assert.Equal("Terminating", terminating.Status!.Phase);
        Assert.Contains(terminating.Spec!.Finalizers!, f => f == "kubernetes");
        var remaining = terminating.Status.Conditions!.Single(c => c.Type == "NamespaceContentRemaining");
        Assert.Equal("SomeResourcesRemain", remaining.Reason);
        Assert.Equal("Some resources are remaining: pods. has 1 resource instances", remaining.Message);
        Assert.Contains(terminating.Status.Conditions!, c => c is { Type: "NamespaceDeletionDiscoveryFailure", Status: "False", Reason: "ResourcesDiscovered" });
        Assert.Contains(terminating.Status.Conditions!, c => c is { Type: "NamespaceFinalizersRemaining", Status: "False", Reason: "ContentHasNoFinalizers" });
        Assert.Null(await client.GetAsync<ConfigMap>(ResourcePath.For<ConfigMap>(Ns, "settings"), CancellationToken.None));
        Assert.Null(await client.GetAsync<Secret>(ResourcePath.For<Secret>(Ns, "token"), CancellationToken.None));
        Assert.Null(await client.GetAsync<Role>(ResourcePath.For<Role>(Ns, "reader"), CancellationToken.None));
        Assert.Null(await client.GetAsync<Pod>(ResourcePath.For<Pod>(Ns, "pending"), CancellationToken.None));
        var stopping = await client.GetAsync<Pod>(ResourcePath.For<Pod>(Ns, "running"), CancellationToken.None);
        Assert.NotNull(stopping?.Metadata?.DeletionTimestamp);

        // The node agent finishes the pod; the controller looks again after (half) the grace period and lets the namespace go.
        await client.DeleteAsync(ResourcePath.For<Pod>(Ns, "running"), new DeleteOptions { GracePeriodSeconds = 0 }, CancellationToken.None);
        await Eventually.TrueAsync(async () =>
        {
            clock.Advance(TimeSpan.FromSeconds(20));
            return await client.GetAsync<NamespaceObject>(ResourcePath.For<NamespaceObject>(name: Ns), CancellationToken.None) is null;
        }, "the namespace gone");

        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task Content_held_by_a_finalizer_keeps_the_namespace_and_is_reported()
    {
        await using var api = await ApiServer.StartAsync();
        var client = api.Client;
        var clock = new ManualTimeProvider();
        var informers = new SharedInformers(client, ApiServer.Loggers);
        using var controller = new NamespaceController(client, informers, clock, ApiServer.Loggers);
        using var stop = new CancellationTokenSource();
        var running = Task.WhenAll(informers.RunAsync(stop.Token), controller.RunAsync(stop.Token));

        await client.CreateAsync(ResourcePath.For<NamespaceObject>(), new NamespaceObject { Metadata = new ObjectMeta { Name = Ns } }, CancellationToken.None);
        await client.CreateAsync(ResourcePath.For<ConfigMap>(Ns), new ConfigMap { Metadata = new ObjectMeta { Name = "held", Finalizers = ["example.com/hold"] } }, CancellationToken.None);
        await client.DeleteAsync(ResourcePath.For<NamespaceObject>(name: Ns), null, CancellationToken.None);

        var ns = await Eventually.UntilAsync(async () =>
        {
            var current = await client.GetAsync<NamespaceObject>(ResourcePath.For<NamespaceObject>(name: Ns), CancellationToken.None);
            return current?.Status?.Conditions?.Any(c => c is { Type: "NamespaceFinalizersRemaining", Status: "True" }) == true ? current : null;
        }, "the finalizer reported");
        var finalizers = ns.Status!.Conditions!.Single(c => c.Type == "NamespaceFinalizersRemaining");
        Assert.Equal("SomeFinalizersRemain", finalizers.Reason);
        Assert.Equal("Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances", finalizers.Message);

        await client.PatchAsync<ConfigMap>(ResourcePath.For<ConfigMap>(Ns, "held"), KubeClient.MergePatch, """{"metadata":{"finalizers":null}}""", CancellationToken.None);
        await Eventually.TrueAsync(async () =>
        {
            clock.Advance(TimeSpan.FromSeconds(10));
            return await client.GetAsync<NamespaceObject>(ResourcePath.For<NamespaceObject>(name: Ns), CancellationToken.None) is null;
        }, "the namespace gone once the finalizer is done");

        await stop.CancelAsync();
        await running;
    }

    private static Pod PodSpec(string name, string? nodeName) => new()
    {
        Metadata = new ObjectMeta { Name = name },
        Spec = new PodSpec
        {
            NodeName = nodeName,
            TerminationGracePeriodSeconds = 30,
            Containers = [new Container { Name = "app", Image = "busybox" }],
        },
    };
}
