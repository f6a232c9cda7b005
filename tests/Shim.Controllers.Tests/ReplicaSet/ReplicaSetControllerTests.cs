using Shim.Client;
using Shim.Controllers.Tests.Support;
using Shim.Model.Apps.V1;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;
using Shim.Testing;
using ReplicaSetKind = Shim.Model.Apps.V1.ReplicaSet;

namespace Shim.Controllers.Tests.ReplicaSets;

public sealed class ReplicaSetControllerTests
{
    private static ReplicaSetKind NewReplicaSet(string name, int replicas, int minReadySeconds = 0) => new()
    {
        Metadata = new ObjectMeta { Name = name },
        Spec = new ReplicaSetSpec
        {
            Replicas = replicas,
            MinReadySeconds = minReadySeconds == 0 ? null : minReadySeconds,
            Selector = new LabelSelector { MatchLabels = new() { ["app"] = name } },
            Template = WorkloadCluster.Template(name),
        },
    };

    private static Task CreateAsync(WorkloadCluster cluster, ReplicaSetKind rs) =>
        cluster.Client.CreateAsync(ResourcePath.For<ReplicaSetKind>(WorkloadCluster.Namespace), rs, CancellationToken.None);

    private static Task ScaleAsync(WorkloadCluster cluster, string name, int replicas) =>
        cluster.Client.PatchAsync<ReplicaSetKind>(ResourcePath.For<ReplicaSetKind>(WorkloadCluster.Namespace, name), KubeClient.MergePatch, "{\"spec\":{\"replicas\":" + replicas + "}}", CancellationToken.None);

    [Fact]
    public async Task Creates_the_replicas_reports_them_and_replaces_a_deleted_pod()
    {
        await using var cluster = await WorkloadCluster.StartAsync();
        await CreateAsync(cluster, NewReplicaSet("web", 3));

        var pods = await Eventually.UntilAsync(async () => await cluster.PodsAsync("web") is { Count: 3 } p ? p : null, "three pods");
        var rs = await cluster.ReplicaSetAsync("web");
        Assert.All(pods, pod =>
        {
            Assert.StartsWith("web-", pod.Metadata!.Name, StringComparison.Ordinal);
            var owner = Assert.Single(pod.Metadata.OwnerReferences!);
            Assert.Equal(("ReplicaSet", "web", rs!.Metadata!.Uid, true, true), (owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        });

        await cluster.MarkReadyAsync("web");
        await Eventually.TrueAsync(async () => (await cluster.ReplicaSetAsync("web"))?.Status is { Replicas: 3, FullyLabeledReplicas: 3, ReadyReplicas: 3, AvailableReplicas: 3, ObservedGeneration: 1 }, "status to count three available pods");

        var victim = pods[0].Metadata!.Name!;
        await cluster.Client.DeleteAsync(ResourcePath.For<Pod>(WorkloadCluster.Namespace, victim), null, CancellationToken.None);
        var replaced = await Eventually.UntilAsync(async () => await cluster.PodsAsync("web") is { Count: 3 } p && p.All(x => x.Metadata!.Name != victim) ? p : null, "a replacement pod");
        Assert.Equal(2, replaced.Count(WorkloadCluster.IsReady));
        await Eventually.TrueAsync(async () => (await cluster.EventsAsync("web")).Count(e => e.Reason == "SuccessfulCreate" && e.Message!.StartsWith("Created pod: web-", StringComparison.Ordinal)) == 4, "four SuccessfulCreate events");
    }

    [Fact]
    public async Task Scaling_down_deletes_pods_that_are_not_ready_first()
    {
        await using var cluster = await WorkloadCluster.StartAsync();
        await CreateAsync(cluster, NewReplicaSet("api", 4));
        var pods = await Eventually.UntilAsync(async () => await cluster.PodsAsync("api") is { Count: 4 } p ? p : null, "four pods");
        var ready = pods.Take(2).Select(p => p.Metadata!.Name!).ToHashSet();
        foreach (var pod in pods.Take(2))
        {
            await Kubelet.MarkReadyAsync(cluster.Client, pod);
        }

        await Eventually.TrueAsync(async () => (await cluster.ReplicaSetAsync("api"))?.Status?.ReadyReplicas == 2, "two ready replicas");
        await ScaleAsync(cluster, "api", 2);

        var left = await Eventually.UntilAsync(async () => await cluster.PodsAsync("api") is { Count: 2 } p ? p : null, "two pods left");
        Assert.Equal(ready, left.Select(p => p.Metadata!.Name!).ToHashSet());
        await Eventually.TrueAsync(async () => (await cluster.EventsAsync("api")).Count(e => e.Reason == "SuccessfulDelete") == 2, "two SuccessfulDelete events");
        await Eventually.TrueAsync(async () => (await cluster.ReplicaSetAsync("api"))?.Status is { Replicas: 2, ReadyReplicas: 2, ObservedGeneration: 2 }, "status after scaling down");
    }

    [Fact]
    public async Task Adopts_a_matching_orphan_and_releases_a_pod_that_no_longer_matches()
    {
        await using var cluster = await WorkloadCluster.StartAsync();
        var template = WorkloadCluster.Template("cache");
        await cluster.Client.CreateAsync(ResourcePath.For<Pod>(WorkloadCluster.Namespace), new Pod { Metadata = new ObjectMeta { Name = "orphan", Labels = template.Metadata!.Labels }, Spec = template.Spec }, CancellationToken.None);
        await CreateAsync(cluster, NewReplicaSet("cache", 2));

        var pods = await Eventually.UntilAsync(async () => await cluster.PodsAsync("cache") is { Count: 2 } p && p.All(x => x.Metadata!.OwnerReferences is { Count: 1 }) ? p : null, "the orphan adopted and one pod created");
        Assert.Contains(pods, p => p.Metadata!.Name == "orphan");
        var rs = await cluster.ReplicaSetAsync("cache");
        Assert.Equal(rs!.Metadata!.Uid, pods.Single(p => p.Metadata!.Name == "orphan").Metadata!.OwnerReferences![0].Uid);

        await cluster.Client.PatchAsync<Pod>(ResourcePath.For<Pod>(WorkloadCluster.Namespace, "orphan"), KubeClient.MergePatch, """{"metadata":{"labels":{"app":"elsewhere"}}}""", CancellationToken.None);
        await Eventually.TrueAsync(async () => (await cluster.Client.GetAsync<Pod>(ResourcePath.For<Pod>(WorkloadCluster.Namespace, "orphan"), CancellationToken.None))?.Metadata?.OwnerReferences is null or { Count: 0 }, "the relabelled pod released");
        await Eventually.TrueAsync(async () => (await cluster.PodsAsync("cache")).Count == 2, "a replacement for the released pod");
    }

    [Fact]
    public async Task Ready_pods_count_as_available_only_after_min_ready_seconds()
    {
        var time = new ManualTimeProvider();
        await using var cluster = await WorkloadCluster.StartAsync(time: time);
        await CreateAsync(cluster, NewReplicaSet("slow", 2, minReadySeconds: 30));
        await Eventually.TrueAsync(async () => (await cluster.PodsAsync("slow")).Count == 2, "two pods");
        await cluster.MarkReadyAsync("slow", since: time.GetUtcNow());
        await Eventually.TrueAsync(async () => (await cluster.ReplicaSetAsync("slow"))?.Status is { ReadyReplicas: 2, AvailableReplicas: null }, "ready but not available");

        time.Advance(TimeSpan.FromSeconds(32));
        await Eventually.TrueAsync(async () => (await cluster.ReplicaSetAsync("slow"))?.Status?.AvailableReplicas == 2, "available after minReadySeconds");
    }
}
