using System.Text.Json.Nodes;
using Shim.Client;
using Shim.Controllers.Tests.ReplicaSets;
using Shim.Controllers.Tests.Support;
using Shim.Model;
using Shim.Model.Apps.V1;
using Shim.Model.Meta.V1;
using Shim.Testing;
using DeploymentKind = Shim.Model.Apps.V1.Deployment;
using ReplicaSetKind = Shim.Model.Apps.V1.ReplicaSet;

namespace Shim.Controllers.Tests.Deployments;

public sealed class DeploymentControllerTests
{
    private const string Revision = "deployment.kubernetes.io/revision";

    private static DeploymentKind NewDeployment(string name, int replicas, DeploymentStrategy? strategy = null, int? revisionHistoryLimit = null, int? progressDeadlineSeconds = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Annotations = new() { ["kubernetes.io/change-cause"] = "first" } },
        Spec = new DeploymentSpec
        {
            Replicas = replicas,
            Selector = new LabelSelector { MatchLabels = new() { ["app"] = name } },
            Template = WorkloadCluster.Template(name),
            Strategy = strategy,
            RevisionHistoryLimit = revisionHistoryLimit,
            ProgressDeadlineSeconds = progressDeadlineSeconds,
        },
    };

    private static DeploymentStrategy Rolling(int surge, int unavailable) =>
        new() { Type = "RollingUpdate", RollingUpdate = new RollingUpdateDeployment { MaxSurge = surge, MaxUnavailable = unavailable } };

    private static Task CreateAsync(WorkloadCluster cluster, DeploymentKind d) =>
        cluster.Client.CreateAsync(ResourcePath.For<DeploymentKind>(WorkloadCluster.Namespace), d, CancellationToken.None);

    private static Task PatchAsync(WorkloadCluster cluster, string name, string patch) =>
        cluster.Client.PatchAsync<DeploymentKind>(ResourcePath.For<DeploymentKind>(WorkloadCluster.Namespace, name), KubeClient.MergePatch, patch, CancellationToken.None);

    private static Task SetImageAsync(WorkloadCluster cluster, string name, string image) =>
        PatchAsync(cluster, name, new JsonObject { ["spec"] = new JsonObject { ["template"] = new JsonObject { ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = image }) } } } }.ToJsonString());

    /// <summary>What `kubectl rollout status` waits for: the latest spec observed and every replica updated and available.</summary>
    private static async Task<DeploymentKind> RolledOutAsync(WorkloadCluster cluster, string name, string app, bool markReady = true) =>
        await Eventually.UntilAsync(async () =>
        {
            if (markReady)
            {
                await cluster.MarkReadyAsync(app);
            }

            var d = await cluster.DeploymentAsync(name);
            var s = d?.Status;
            var replicas = d?.Spec?.Replicas ?? 0;
            return s is not null && s.ObservedGeneration >= d!.Metadata!.Generation && (s.UpdatedReplicas ?? 0) == replicas && (s.Replicas ?? 0) == replicas && (s.AvailableReplicas ?? 0) == replicas ? d : null;
        }, $"deployment {name} rolled out", TimeSpan.FromSeconds(40));

    private static DeploymentCondition? Condition(DeploymentKind? d, string type) => d?.Status?.Conditions?.FirstOrDefault(c => c.Type == type);

    [Fact]
    public async Task Creates_a_replica_set_named_by_its_template_hash_at_revision_1()
    {
        await using var cluster = await WorkloadCluster.StartAsync(deployments: true);
        await CreateAsync(cluster, NewDeployment("web", 2));
        var d = await RolledOutAsync(cluster, "web", "web");

        var rs = Assert.Single(await cluster.ReplicaSetsAsync());
        var hash = rs.Metadata!.Labels!["pod-template-hash"];
        Assert.Equal($"web-{hash}", rs.Metadata.Name);
        Assert.Matches("^[bcdfghjklmnpqrstvwxz2456789]{1,10}$", hash);
        Assert.Equal(hash, rs.Spec!.Selector!.MatchLabels!["pod-template-hash"]);
        Assert.Equal(hash, rs.Spec.Template!.Metadata!.Labels!["pod-template-hash"]);
        Assert.Equal("1", rs.Metadata.Annotations![Revision]);
        Assert.Equal("2", rs.Metadata.Annotations["deployment.kubernetes.io/desired-replicas"]);
        Assert.Equal("3", rs.Metadata.Annotations["deployment.kubernetes.io/max-replicas"]);
        Assert.Equal("first", rs.Metadata.Annotations["kubernetes.io/change-cause"]);
        Assert.True(OwnerReferencesAreController(rs, d));
        Assert.All(await cluster.PodsAsync("web"), p => Assert.Equal(hash, p.Metadata!.Labels!["pod-template-hash"]));

        await Eventually.TrueAsync(async () => (await cluster.DeploymentAsync("web"))?.Metadata?.Annotations?.GetValueOrDefault(Revision) == "1", "the deployment's revision");
        d = await Eventually.UntilAsync(async () => await cluster.DeploymentAsync("web") is { } x && Condition(x, "Progressing")?.Reason == "NewReplicaSetAvailable" ? x : null, "the rollout complete");
        Assert.Equal(("True", "MinimumReplicasAvailable", "Deployment has minimum availability."), (Condition(d, "Available")!.Status, Condition(d, "Available")!.Reason, Condition(d, "Available")!.Message));
        Assert.Equal($"ReplicaSet \"web-{hash}\" has successfully progressed.", Condition(d, "Progressing")!.Message);
        Assert.Equal((2, 2, 2, 2, (int?)null), (d.Status!.Replicas, d.Status.UpdatedReplicas, d.Status.ReadyReplicas, d.Status.AvailableReplicas, d.Status.UnavailableReplicas));
        await Eventually.TrueAsync(async () => (await cluster.EventsAsync("web")).Any(e => e.Reason == "ScalingReplicaSet" && e.Message == $"Scaled up replica set web-{hash} from 0 to 2"), "the ScalingReplicaSet event");
    }

    private static bool OwnerReferencesAreController(ReplicaSetKind rs, DeploymentKind d) =>
        rs.Metadata!.OwnerReferences is [{ Kind: "Deployment", Controller: true, BlockOwnerDeletion: true } owner] && owner.Uid == d.Metadata!.Uid;

    [Fact]
    public async Task A_rolling_update_keeps_within_max_surge_and_max_unavailable()
    {
        await using var cluster = await WorkloadCluster.StartAsync(deployments: true);
        await CreateAsync(cluster, NewDeployment("app", 4, Rolling(surge: 1, unavailable: 1)));
        await RolledOutAsync(cluster, "app", "app");
        var first = Assert.Single(await cluster.ReplicaSetsAsync());

        await SetImageAsync(cluster, "app", "busybox:2");
        var observations = 0;
        await Eventually.TrueAsync(async () =>
        {
            var pods = (await cluster.PodsAsync("app")).ToList();
            observations++;
            Assert.True(pods.Count <= 5, $"{pods.Count} pods exceed desired + maxSurge");
            Assert.True(pods.Count(WorkloadCluster.IsReady) >= 3, $"only {pods.Count(WorkloadCluster.IsReady)} ready pods, below desired - maxUnavailable");
            await cluster.MarkReadyAsync("app");
            var d = await cluster.DeploymentAsync("app");
            return d!.Status is { UpdatedReplicas: 4, Replicas: 4, AvailableReplicas: 4 } s && s.ObservedGeneration == d.Metadata!.Generation
                && pods.Count == 4 && pods.All(p => p.Metadata!.Labels!["pod-template-hash"] != first.Metadata!.Labels!["pod-template-hash"]);
        }, "the rolling update to finish", TimeSpan.FromSeconds(60));

        Assert.True(observations > 1);
        var sets = await cluster.ReplicaSetsAsync();
        Assert.Equal(2, sets.Count);
        Assert.Equal(0, sets.Single(s => s.Metadata!.Name == first.Metadata!.Name).Spec!.Replicas);
        Assert.Equal("2", sets.Single(s => s.Metadata!.Name != first.Metadata!.Name).Metadata!.Annotations![Revision]);
        var events = await cluster.EventsAsync("app");
        Assert.Contains(events, e => e.Reason == "ScalingReplicaSet" && e.Message!.StartsWith($"Scaled down replica set {first.Metadata!.Name} from ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Recreate_removes_every_old_pod_before_starting_new_ones()
    {
        await using var cluster = await WorkloadCluster.StartAsync(deployments: true);
        await CreateAsync(cluster, NewDeployment("db", 2, new DeploymentStrategy { Type = "Recreate" }));
        await RolledOutAsync(cluster, "db", "db");
        var oldHash = Assert.Single(await cluster.ReplicaSetsAsync()).Metadata!.Labels!["pod-template-hash"];

        await SetImageAsync(cluster, "db", "busybox:2");
        await Eventually.TrueAsync(async () =>
        {
            var pods = await cluster.PodsAsync("db");
            var hashes = pods.Select(p => p.Metadata!.Labels!["pod-template-hash"]).Distinct().ToList();
            Assert.True(hashes.Count <= 1, "old and new pods ran together");
            await cluster.MarkReadyAsync("db");
            return pods.Count == 2 && hashes.Single() != oldHash && (await cluster.DeploymentAsync("db"))!.Status!.AvailableReplicas == 2;
        }, "the recreate to finish", TimeSpan.FromSeconds(40));
    }

    [Fact]
    public async Task Old_replica_sets_beyond_the_revision_history_limit_are_deleted()
    {
        await using var cluster = await WorkloadCluster.StartAsync(deployments: true);
        await CreateAsync(cluster, NewDeployment("hist", 1, revisionHistoryLimit: 1));
        await RolledOutAsync(cluster, "hist", "hist");
        foreach (var image in new[] { "busybox:2", "busybox:3", "busybox:4" })
        {
            await SetImageAsync(cluster, "hist", image);
            await RolledOutAsync(cluster, "hist", "hist");
        }

        var sets = await Eventually.UntilAsync(async () => await cluster.ReplicaSetsAsync() is { Count: 2 } s ? s : null, "one old replica set kept");
        Assert.Equal(["3", "4"], sets.Select(s => s.Metadata!.Annotations![Revision]).Order());
    }

    [Fact]
    public async Task A_paused_deployment_scales_but_does_not_roll_out_until_resumed()
    {
        await using var cluster = await WorkloadCluster.StartAsync(deployments: true);
        await CreateAsync(cluster, NewDeployment("p", 2));
        await RolledOutAsync(cluster, "p", "p");

        await PatchAsync(cluster, "p", """{"spec":{"paused":true}}""");
        await Eventually.TrueAsync(async () => Condition(await cluster.DeploymentAsync("p"), "Progressing") is { Status: "Unknown", Reason: "DeploymentPaused" }, "the paused condition");
        await SetImageAsync(cluster, "p", "busybox:2");
        await PatchAsync(cluster, "p", """{"spec":{"replicas":3}}""");
        await Eventually.TrueAsync(async () => await cluster.DeploymentAsync("p") is { } d && d.Status!.ObservedGeneration == d.Metadata!.Generation && d.Status.Replicas == 3, "the scale applied while paused", TimeSpan.FromSeconds(30));
        var only = Assert.Single(await cluster.ReplicaSetsAsync());
        Assert.Equal(3, only.Spec!.Replicas);

        await PatchAsync(cluster, "p", """{"spec":{"paused":false}}""");
        await Eventually.TrueAsync(async () => Condition(await cluster.DeploymentAsync("p"), "Progressing")?.Reason is "DeploymentResumed" or "NewReplicaSetCreated" or "ReplicaSetUpdated" or "NewReplicaSetAvailable", "the rollout resumed");
        await RolledOutAsync(cluster, "p", "p");
        var sets = await cluster.ReplicaSetsAsync();
        Assert.Equal(2, sets.Count);
        Assert.Equal(3, sets.Single(s => s.Metadata!.Name != only.Metadata!.Name).Spec!.Replicas);
    }

    [Fact]
    public async Task Writing_back_an_old_template_rolls_back_to_its_replica_set_with_the_next_revision()
    {
        await using var cluster = await WorkloadCluster.StartAsync(deployments: true);
        await CreateAsync(cluster, NewDeployment("rb", 2));
        await RolledOutAsync(cluster, "rb", "rb");
        var original = Assert.Single(await cluster.ReplicaSetsAsync());
        await SetImageAsync(cluster, "rb", "busybox:2");
        await RolledOutAsync(cluster, "rb", "rb");

        // What `kubectl rollout undo` does: the old ReplicaSet's template, minus the hash label, becomes the Deployment's.
        var template = JsonNode.Parse(ModelJson.Serialize(original.Spec!.Template!))!.AsObject();
        template["metadata"]!["labels"]!.AsObject().Remove("pod-template-hash");
        await cluster.Client.PatchAsync<DeploymentKind>(ResourcePath.For<DeploymentKind>(WorkloadCluster.Namespace, "rb"), KubeClient.JsonPatch,
            new JsonArray(new JsonObject { ["op"] = "replace", ["path"] = "/spec/template", ["value"] = template }).ToJsonString(), CancellationToken.None);
        await RolledOutAsync(cluster, "rb", "rb");

        var sets = await cluster.ReplicaSetsAsync();
        Assert.Equal(2, sets.Count);
        var back = await Eventually.UntilAsync(async () => await cluster.ReplicaSetAsync(original.Metadata!.Name!) is { } rs && rs.Metadata!.Annotations![Revision] == "3" ? rs : null, "the old replica set at revision 3");
        Assert.Equal("1", back.Metadata!.Annotations!["deployment.kubernetes.io/revision-history"]);
        Assert.Equal(2, back.Spec!.Replicas);
        await Eventually.TrueAsync(async () => (await cluster.DeploymentAsync("rb"))?.Metadata?.Annotations?.GetValueOrDefault(Revision) == "3", "the deployment at revision 3");
    }

    [Fact]
    public async Task A_rollout_without_progress_exceeds_its_deadline()
    {
        var time = new ManualTimeProvider();
        await using var cluster = await WorkloadCluster.StartAsync(deployments: true, time: time);
        await CreateAsync(cluster, NewDeployment("stuck", 2, progressDeadlineSeconds: 30));
        await Eventually.TrueAsync(async () => Condition(await cluster.DeploymentAsync("stuck"), "Progressing") is { Status: "True", Reason: "NewReplicaSetCreated" or "ReplicaSetUpdated" }, "the rollout started");
        // Two pods that never become ready; once the status counts them there is no progress left to report.
        await Eventually.TrueAsync(async () => (await cluster.DeploymentAsync("stuck"))?.Status is { Replicas: 2, UpdatedReplicas: 2 }, "the status to count both pods");

        time.Advance(TimeSpan.FromSeconds(20));
        await Task.Delay(300);
        Assert.NotEqual("ProgressDeadlineExceeded", Condition(await cluster.DeploymentAsync("stuck"), "Progressing")!.Reason);

        time.Advance(TimeSpan.FromSeconds(12));
        // Under load the last progress may have been recorded just after the first advance (then the deadline is up to
        // 20 s later): nudge the clock a second per probe, at most 20 s more.
        var nudges = 0;
        var d = await Eventually.UntilAsync(
            async () =>
            {
                if (await cluster.DeploymentAsync("stuck") is { } x && Condition(x, "Progressing")?.Reason == "ProgressDeadlineExceeded")
                {
                    return x;
                }

                if (nudges++ < 20)
                {
                    time.Advance(TimeSpan.FromSeconds(1));
                }

                return null;
            },
            "the deadline exceeded");
        var rs = Assert.Single(await cluster.ReplicaSetsAsync());
        Assert.Equal(("False", $"ReplicaSet \"{rs.Metadata!.Name}\" has timed out progressing."), (Condition(d, "Progressing")!.Status, Condition(d, "Progressing")!.Message));
        Assert.Equal(("False", "MinimumReplicasUnavailable"), (Condition(d, "Available")!.Status, Condition(d, "Available")!.Reason));
    }

    [Fact]
    public async Task Scaling_mid_rollout_spreads_new_replicas_in_proportion()
    {
        await using var cluster = await WorkloadCluster.StartAsync(deployments: true);
        await CreateAsync(cluster, NewDeployment("prop", 10, Rolling(surge: 3, unavailable: 2)));
        await RolledOutAsync(cluster, "prop", "prop");
        var old = Assert.Single(await cluster.ReplicaSetsAsync()).Metadata!.Name!;

        // New pods never turn ready: the rollout stops at old 8 + new 5 (13 = 10 + maxSurge, 8 = 10 - maxUnavailable available).
        await SetImageAsync(cluster, "prop", "busybox:2");
        await Eventually.TrueAsync(async () => await cluster.ReplicaSetsAsync() is { Count: 2 } s && s.Single(x => x.Metadata!.Name == old).Spec!.Replicas == 8 && s.Single(x => x.Metadata!.Name != old).Spec!.Replicas == 5, "the stalled rollout");

        // 10 more fit (23 = 20 + 3): shares by size against max-replicas 13 are round(8*23/13)=14 and round(5*23/13)=9.
        await PatchAsync(cluster, "prop", """{"spec":{"replicas":20}}""");
        var sets = await Eventually.UntilAsync(async () => await cluster.ReplicaSetsAsync() is { Count: 2 } s && s.Sum(x => x.Spec!.Replicas) == 23 ? s : null, "the scaled replica sets");
        Assert.Equal(14, sets.Single(x => x.Metadata!.Name == old).Spec!.Replicas);
        Assert.Equal(9, sets.Single(x => x.Metadata!.Name != old).Spec!.Replicas);
        Assert.All(sets, s => Assert.Equal("20", s.Metadata!.Annotations!["deployment.kubernetes.io/desired-replicas"]));
    }
}
