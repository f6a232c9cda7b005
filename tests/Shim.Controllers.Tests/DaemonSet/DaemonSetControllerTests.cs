using Shim.Client;
using Shim.Controllers.DaemonSet;
using Shim.Controllers.Tests.StatefulSet;
using Shim.Controllers.Tests.Support;
using Shim.Model;
using Shim.Model.Apps.V1;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;
using Ds = Shim.Model.Apps.V1.DaemonSet;

namespace Shim.Controllers.Tests.DaemonSet;

public sealed class DaemonSetControllerTests
{
    [Fact]
    public async Task One_pod_per_eligible_node_pinned_by_node_name_affinity_respecting_selector_and_taints()
    {
        await using var h = await StartAsync();
        await NodeAsync(h, "n1", role: "agent");
        await NodeAsync(h, "n2", role: "agent", taint: new Taint { Key = "dedicated", Value = "db", Effect = "NoSchedule" });
        await NodeAsync(h, "n3", role: "other");
        await NodeAsync(h, "n4", role: "agent", taint: new Taint { Key = "node.kubernetes.io/unschedulable", Effect = "NoSchedule" });
        await CreateAsync(h, "\"nodeSelector\":{\"role\":\"agent\"},");

        var status = await StatusAsync(h, s => s.DesiredNumberScheduled == 2 && s.CurrentNumberScheduled == 2, "two nodes scheduled");
        Assert.Equal(0, status.NumberMisscheduled);
        var pods = await h.PodsAsync();
        Assert.Equal(["n1", "n4"], pods.Select(TargetNode).Order());
        var pod = pods.Single(p => TargetNode(p) == "n1");
        Assert.StartsWith("agent-", pod.Metadata!.Name, StringComparison.Ordinal);
        Assert.Null(pod.Spec!.NodeName);
        Assert.Contains(pod.Spec.Tolerations!, t => t is { Key: "node.kubernetes.io/not-ready", Operator: "Exists", Effect: "NoExecute", TolerationSeconds: null });
        Assert.Contains(pod.Spec.Tolerations!, t => t is { Key: "node.kubernetes.io/unschedulable", Effect: "NoSchedule" });
        Assert.DoesNotContain(pod.Spec.Tolerations!, t => t.Key == "node.kubernetes.io/network-unavailable");
        Assert.False(string.IsNullOrEmpty(pod.Metadata.Labels!["controller-revision-hash"]));
        var revision = Assert.Single((await h.Client.ListAsync<ControllerRevision>(ResourcePath.For<ControllerRevision>("default"), ListQuery.All, CancellationToken.None)).Items);
        Assert.Equal($"agent-{pod.Metadata.Labels["controller-revision-hash"]}", revision.Metadata!.Name);
        await Eventually.TrueAsync(async () => (await h.EventsAsync()).Any(e => e.Reason == "SuccessfulCreate" && e.Message == $"Created pod: {pod.Metadata.Name}"), "the SuccessfulCreate event");
    }

    [Fact]
    public async Task A_new_node_gets_a_pod_and_a_node_that_stops_matching_loses_it()
    {
        await using var h = await StartAsync(autoReady: true);
        await NodeAsync(h, "n1", role: "agent");
        await CreateAsync(h, "\"nodeSelector\":{\"role\":\"agent\"},");
        await StatusAsync(h, s => s.NumberAvailable == 1, "the first node's pod available");

        await NodeAsync(h, "n2", role: "agent");
        var status = await StatusAsync(h, s => s.DesiredNumberScheduled == 2 && s.NumberReady == 2 && s.NumberAvailable == 2 && s.NumberUnavailable == 0, "the new node's pod ready");
        Assert.Equal(2, status.UpdatedNumberScheduled);

        await h.Client.PatchAsync<Node>(ResourcePath.For<Node>(name: "n1"), KubeClient.MergePatch, """{"metadata":{"labels":{"role":null}}}""", CancellationToken.None);
        await Eventually.TrueAsync(async () => (await h.PodsAsync()).Select(TargetNode).SequenceEqual(["n2"]), "n1's pod deleted");
        await StatusAsync(h, s => s.DesiredNumberScheduled == 1 && s.CurrentNumberScheduled == 1 && s.NumberMisscheduled == 0, "one desired node");
    }

    [Fact]
    public async Task A_failed_daemon_pod_is_replaced()
    {
        await using var h = await StartAsync();
        await NodeAsync(h, "n1", role: "agent");
        await CreateAsync(h, "");
        var pod = await Eventually.UntilAsync(async () => (await h.PodsAsync()).SingleOrDefault(), "the daemon pod");
        await Kubelet.MarkFinishedAsync(h.Client, pod, succeeded: false, exitCode: 1);
        await Eventually.TrueAsync(async () => (await h.PodsAsync()) is [var p] && p.Metadata!.Uid != pod.Metadata!.Uid && p.Status?.Phase != "Failed", "a replacement pod");
        await Eventually.TrueAsync(async () => (await h.EventsAsync()).Any(e => e.Reason == "FailedDaemonPod"), "the FailedDaemonPod event");
    }

    [Fact]
    public async Task A_rolling_update_replaces_pods_node_by_node()
    {
        await using var h = await StartAsync(autoReady: true);
        foreach (var name in new[] { "n1", "n2", "n3" })
        {
            await NodeAsync(h, name, role: "agent");
        }

        await CreateAsync(h, "");
        await StatusAsync(h, s => s.NumberAvailable == 3 && s.UpdatedNumberScheduled == 3, "three pods available");
        var oldHashes = (await h.PodsAsync()).Select(p => p.Metadata!.Labels!["controller-revision-hash"]).Distinct().ToList();

        var updated = await h.Client.PatchAsync<Ds>(ResourcePath.For<Ds>("default", "agent"), KubeClient.MergePatch,
            """{"spec":{"template":{"spec":{"containers":[{"name":"agent","image":"busybox:2"}]}}}}""", CancellationToken.None);
        await StatusAsync(h, s => s.ObservedGeneration == updated.Metadata!.Generation && s.UpdatedNumberScheduled == 3 && s.NumberAvailable == 3, "the rollout to finish");
        await Eventually.TrueAsync(async () => await h.PodsAsync() is { Count: 3 } pods && pods.All(p => p.Spec!.Containers![0].Image == "busybox:2"), "only new pods left");
        var pods = await h.PodsAsync();
        Assert.Equal(["n1", "n2", "n3"], pods.Select(TargetNode).Order());
        Assert.DoesNotContain(pods, p => oldHashes.Contains(p.Metadata!.Labels!["controller-revision-hash"]));
        var revisions = await h.Client.ListAsync<ControllerRevision>(ResourcePath.For<ControllerRevision>("default"), ListQuery.All, CancellationToken.None);
        Assert.Equal([1L, 2L], revisions.Items.Select(r => r.Revision ?? 0).Order());
    }

    private static async Task<WorkloadHarness> StartAsync(bool autoReady = false)
    {
        var h = await WorkloadHarness.StartAsync((client, informers, events) =>
            new DaemonSetController(client, informers, events, TimeProvider.System, ApiServer.Loggers).RunAsync);
        h.AutoReady = autoReady;
        return h;
    }

    private static Task<Node> NodeAsync(WorkloadHarness h, string name, string role, Taint? taint = null) =>
        h.Client.CreateAsync(ResourcePath.For<Node>(), new Node
        {
            Metadata = new ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["role"] = role } },
            Spec = taint is null ? null : new NodeSpec { Taints = [taint] },
        }, CancellationToken.None);

    private static Task<Ds> CreateAsync(WorkloadHarness h, string podSpecExtra) =>
        h.Client.CreateAsync(ResourcePath.For<Ds>("default"), ModelJson.Deserialize<Ds>(
            """{"metadata":{"name":"agent"},"spec":{"selector":{"matchLabels":{"app":"agent"}},"template":{"metadata":{"labels":{"app":"agent"}},"spec":{"""
            + podSpecExtra + "\"containers\":[{\"name\":\"agent\",\"image\":\"busybox\"}]}}}}")!, CancellationToken.None);

    private static string? TargetNode(Pod pod) =>
        pod.Spec?.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution?.NodeSelectorTerms?.SingleOrDefault()?.MatchFields?.SingleOrDefault() is
        { Key: "metadata.name", Operator: "In", Values: [var node] } ? node : null;

    private static async Task<DaemonSetStatus> StatusAsync(WorkloadHarness h, Func<DaemonSetStatus, bool> condition, string what)
    {
        DaemonSetStatus? last = null;
        return await Eventually.UntilAsync(async () =>
        {
            last = (await h.Client.GetAsync<Ds>(ResourcePath.For<Ds>("default", "agent"), CancellationToken.None))?.Status;
            return last is not null && condition(last) ? last : null;
        }, what, describe: () => last is null ? "no status" : ModelJson.Serialize(last));
    }
}
