using Microsoft.Extensions.Logging.Abstractions;
using Shim.Client;
using Shim.Controllers.StatefulSet;
using Shim.Controllers.Tests.Support;
using Shim.Model;
using Shim.Model.Apps.V1;
using Shim.Model.Core.V1;
using Set = Shim.Model.Apps.V1.StatefulSet;

namespace Shim.Controllers.Tests.StatefulSet;

public sealed class StatefulSetControllerTests
{
    private static readonly ResourcePath Sets = ResourcePath.For<Set>("default");

    [Fact]
    public async Task OrderedReady_creates_each_member_after_its_predecessor_is_ready_with_identity_and_claims()
    {
        await using var h = await StartAsync();
        await CreateAsync(h, Spec(replicas: 2, extra: """
            "volumeClaimTemplates":[{"metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]
            """));

        var web0 = await Eventually.UntilAsync(() => h.PodAsync("web-0"), "web-0 to be created");
        Assert.Equal("web-0", web0.Spec!.Hostname);
        Assert.Equal("web", web0.Spec.Subdomain);
        Assert.Equal("web", web0.Metadata!.Labels!["app"]);
        Assert.Equal("web-0", web0.Metadata.Labels["statefulset.kubernetes.io/pod-name"]);
        Assert.Equal("0", web0.Metadata.Labels["apps.kubernetes.io/pod-index"]);
        Assert.StartsWith("web-", web0.Metadata.Labels["controller-revision-hash"], StringComparison.Ordinal);
        Assert.Equal("data-web-0", Assert.Single(web0.Spec.Volumes!, v => v.Name == "data").PersistentVolumeClaim!.ClaimName);
        var claim = await h.Client.GetAsync<PersistentVolumeClaim>(ResourcePath.For<PersistentVolumeClaim>("default", "data-web-0"), CancellationToken.None);
        Assert.Equal("web", claim!.Metadata!.Labels!["app"]);

        await SetStatusAsync(h, s => s.Replicas == 1, "the controller to have seen web-0");
        Assert.Null(await h.PodAsync("web-1"));

        await Kubelet.MarkReadyAsync(h.Client, web0);
        var web1 = await Eventually.UntilAsync(() => h.PodAsync("web-1"), "web-1 after web-0 is ready");
        Assert.NotNull(await h.Client.GetAsync<PersistentVolumeClaim>(ResourcePath.For<PersistentVolumeClaim>("default", "data-web-1"), CancellationToken.None));
        await Kubelet.MarkReadyAsync(h.Client, web1);
        var status = await SetStatusAsync(h, s => s.ReadyReplicas == 2 && s.AvailableReplicas == 2, "both members ready");
        Assert.Equal(status.UpdateRevision, status.CurrentRevision);
        Assert.Equal(2, status.CurrentReplicas);
        Assert.Equal(2, status.UpdatedReplicas);

        await Eventually.TrueAsync(async () => (await h.EventsAsync()).Any(e => e.Reason == "SuccessfulCreate" && e.Message == "create Pod web-1 in StatefulSet web successful"),
            "the SuccessfulCreate event");
        Assert.Contains(await h.EventsAsync(), e => e.Message == "create Claim data-web-0 for Pod web-0 in StatefulSet web success");
    }

    [Fact]
    public async Task Scaling_down_removes_members_in_reverse_ordinal_order()
    {
        await using var h = await StartAsync(autoReady: true);
        await CreateAsync(h, Spec(replicas: 3));
        await SetStatusAsync(h, s => s.ReadyReplicas == 3, "three ready members");

        var deleted = new List<string>();
        var watcher = new Informer<Pod>(h.Client, NullLogger.Instance, "default");
        watcher.OnDelete(p => { lock (deleted) deleted.Add(p.Metadata!.Name!); });
        using var stop = new CancellationTokenSource();
        var watching = watcher.RunAsync(stop.Token);
        await watcher.Synced;

        await h.Client.PatchAsync<Set>(ResourcePath.For<Set>("default", "web"), KubeClient.MergePatch, """{"spec":{"replicas":1}}""", CancellationToken.None);
        await SetStatusAsync(h, s => s.Replicas == 1 && s.ReadyReplicas == 1, "one member left");
        await Eventually.TrueAsync(() => Task.FromResult(deleted.Count == 2), "both deletions observed");
        await stop.CancelAsync();
        await watching;
        Assert.Equal(["web-2", "web-1"], deleted);
        Assert.NotNull(await h.PodAsync("web-0"));
    }

    [Fact]
    public async Task A_rolling_update_with_a_partition_updates_from_the_top_and_leaves_lower_ordinals()
    {
        await using var h = await StartAsync(autoReady: true);
        await CreateAsync(h, Spec(replicas: 3));
        var before = await SetStatusAsync(h, s => s.ReadyReplicas == 3 && s.CurrentRevision is not null, "three ready members");
        var oldRevision = before.CurrentRevision!;

        await h.Client.PatchAsync<Set>(ResourcePath.For<Set>("default", "web"), KubeClient.MergePatch,
            """{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":1}},"template":{"spec":{"containers":[{"name":"app","image":"busybox:2"}]}}}}""",
            CancellationToken.None);
        var partial = await SetStatusAsync(h, s => s.UpdatedReplicas == 2 && s.ReadyReplicas == 3 && s.UpdateRevision != oldRevision, "web-1 and web-2 updated");
        Assert.Equal(oldRevision, partial.CurrentRevision);
        Assert.Equal(oldRevision, Revision(await h.PodAsync("web-0")));
        Assert.Equal(partial.UpdateRevision, Revision(await h.PodAsync("web-1")));
        Assert.Equal("busybox:2", (await h.PodAsync("web-2"))!.Spec!.Containers![0].Image);
        Assert.Equal("busybox", (await h.PodAsync("web-0"))!.Spec!.Containers![0].Image);
        var revisions = await h.Client.ListAsync<ControllerRevision>(ResourcePath.For<ControllerRevision>("default"), ListQuery.All, CancellationToken.None);
        Assert.Equal([1L, 2L], revisions.Items.Select(r => r.Revision ?? 0).Order());

        await h.Client.PatchAsync<Set>(ResourcePath.For<Set>("default", "web"), KubeClient.MergePatch,
            """{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}""", CancellationToken.None);
        var done = await SetStatusAsync(h, s => s.CurrentRevision == partial.UpdateRevision && s.UpdatedReplicas == 3 && s.ReadyReplicas == 3, "the rollout to complete");
        Assert.Equal(done.UpdateRevision, Revision(await h.PodAsync("web-0")));
    }

    [Fact]
    public async Task OnDelete_gives_the_new_revision_only_to_recreated_members()
    {
        await using var h = await StartAsync(autoReady: true);
        await CreateAsync(h, Spec(replicas: 2, extra: "\"updateStrategy\":{\"type\":\"OnDelete\"}"));
        var before = await SetStatusAsync(h, s => s.ReadyReplicas == 2, "two ready members");

        var changed = await h.Client.PatchAsync<Set>(ResourcePath.For<Set>("default", "web"), KubeClient.MergePatch,
            """{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"busybox:2"}]}}}}""", CancellationToken.None);
        var status = await SetStatusAsync(h, s => s.ObservedGeneration == changed.Metadata!.Generation && s.UpdateRevision != before.UpdateRevision, "the new revision");
        Assert.Equal(0, status.UpdatedReplicas);
        var web1 = await h.PodAsync("web-1");
        Assert.Equal(before.UpdateRevision, Revision(web1));

        await h.Client.DeleteAsync(ResourcePath.For<Pod>("default", "web-1"), null, CancellationToken.None);
        await Eventually.TrueAsync(async () => Revision(await h.PodAsync("web-1")) == status.UpdateRevision, "web-1 recreated at the new revision");
        await SetStatusAsync(h, s => s.UpdatedReplicas == 1 && s.ReadyReplicas == 2, "one updated member");
        Assert.Equal(before.UpdateRevision, Revision(await h.PodAsync("web-0")));
    }

    [Fact]
    public async Task Parallel_creates_all_members_at_once_and_replaces_a_failed_one()
    {
        await using var h = await StartAsync();
        await CreateAsync(h, Spec(replicas: 3, extra: "\"podManagementPolicy\":\"Parallel\"", start: 5));
        await Eventually.TrueAsync(async () => (await h.PodsAsync()).Count == 3, "three pods without any being ready");
        Assert.Equal(["web-5", "web-6", "web-7"], (await h.PodsAsync()).Select(p => p.Metadata!.Name!).Order());

        var failed = await Kubelet.MarkFinishedAsync(h.Client, (await h.PodAsync("web-6"))!, succeeded: false, exitCode: 1);
        await Eventually.TrueAsync(async () => await h.PodAsync("web-6") is { } p && p.Metadata!.Uid != failed.Metadata!.Uid, "web-6 replaced");
    }

    private static async Task<WorkloadHarness> StartAsync(bool autoReady = false)
    {
        var h = await WorkloadHarness.StartAsync((client, informers, events) =>
            new StatefulSetController(client, informers, events, TimeProvider.System, ApiServer.Loggers).RunAsync);
        h.AutoReady = autoReady;
        return h;
    }

    private static string Spec(int replicas, string? extra = null, int start = 0) => $$$"""
        {"metadata":{"name":"web"},"spec":{"replicas":{{{replicas}}},"serviceName":"web","ordinals":{"start":{{{start}}}},
          "selector":{"matchLabels":{"app":"web"}},
          "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"busybox"}]}}{{{(extra is null ? "" : "," + extra)}}}}}
        """;

    private static Task<Set> CreateAsync(WorkloadHarness h, string json) =>
        h.Client.CreateAsync(Sets, ModelJson.Deserialize<Set>(json)!, CancellationToken.None);

    private static string? Revision(Pod? pod) => pod?.Metadata?.Labels?.GetValueOrDefault("controller-revision-hash");

    private static async Task<StatefulSetStatus> SetStatusAsync(WorkloadHarness h, Func<StatefulSetStatus, bool> condition, string what)
    {
        StatefulSetStatus? last = null;
        return await Eventually.UntilAsync(async () =>
        {
            last = (await h.Client.GetAsync<Set>(ResourcePath.For<Set>("default", "web"), CancellationToken.None))?.Status;
            return last is not null && condition(last) ? last : null;
        }, what, describe: () => last is null ? "no status" : ModelJson.Serialize(last));
    }
}
