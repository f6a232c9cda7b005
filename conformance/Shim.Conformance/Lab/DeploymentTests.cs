using System.Text.Json.Nodes;
using Xunit;

namespace Shim.Conformance.Lab;

/// <summary>Deployments through the real kubectl on real Docker hosts: rollout, history, undo, pause/resume, restart, scale.</summary>
[Collection("lab")]
public sealed class DeploymentTests(LabCluster cluster)
{
    private static readonly TimeSpan RolloutTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Rolling_update_keeps_the_availability_floor_and_history_undo_pause_restart_and_scale_work()
    {
        cluster.WaitForNodesReady(TimeSpan.FromSeconds(90));
        await using var ns = await LabNamespace.CreateAsync(cluster, "rollout");
        await ns.ApplyAsync(LabManifests.SleeperDeployment("web", 4, "  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 1}}"));
        await RolloutStatusAsync(ns, "web");
        Assert.Equal("4", await ns.GetAsync("deployment/web", "{.status.availableReplicas}"));
        Assert.Equal(4, (await PodsAsync(ns, "web")).Count(p => p.Ready));
        Assert.Equal("1", await ns.GetAsync("deployment/web", "{.metadata.annotations.deployment\\.kubernetes\\.io/revision}"));

        // Update: during the rollout never fewer than 4 - 1 ready pods, never more than 4 + 1 pods.
        await ns.OkAsync("annotate", "deployment/web", "kubernetes.io/change-cause=version two");
        await ns.OkAsync("set", "env", "deployment/web", "VERSION=2");
        var observations = new List<string>();
        var rollout = RolloutStatusAsync(ns, "web");
        while (!rollout.IsCompleted)
        {
            var pods = await PodsAsync(ns, "web");
            var live = pods.Where(p => !p.Terminating).ToList();
            observations.Add($"{live.Count(p => p.Ready)} ready of {live.Count}");
            Assert.True(live.Count(p => p.Ready) >= 3, $"below the availability floor: {string.Join("; ", observations)}");
            Assert.True(live.Count <= 5, $"above desired + maxSurge: {string.Join("; ", observations)}");
        }

        await rollout;
        Assert.All(await LivePodsAsync(ns, "web"), p => Assert.Equal("2", p.Env("VERSION")));
        Assert.Equal("2", await ns.GetAsync("deployment/web", "{.metadata.annotations.deployment\\.kubernetes\\.io/revision}"));
        var history = await ns.OkAsync("rollout", "history", "deployment/web");
        Assert.Matches(@"(?m)^1\s", history);
        Assert.Matches(@"(?m)^2\s+version two", history);

        // Undo goes back to the first template, as revision 3.
        await ns.OkAsync("rollout", "undo", "deployment/web");
        await RolloutStatusAsync(ns, "web");
        Assert.All(await LivePodsAsync(ns, "web"), p => Assert.Null(p.Env("VERSION")));
        Assert.Equal("3", await ns.GetAsync("deployment/web", "{.metadata.annotations.deployment\\.kubernetes\\.io/revision}"));
        Assert.Equal(2, (await ns.OkAsync("get", "rs", "-l", "app=web", "-o", "name")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        // Paused: a template change makes no new ReplicaSet until resumed.
        await ns.OkAsync("rollout", "pause", "deployment/web");
        await ns.OkAsync("set", "env", "deployment/web", "VERSION=4");
        await ns.WaitForAsync("deployment/web", "{.status.conditions[?(@.type==\"Progressing\")].reason}", r => r == "DeploymentPaused", "Progressing reason DeploymentPaused");
        Assert.Equal(2, (await ns.OkAsync("get", "rs", "-l", "app=web", "-o", "name")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.All(await LivePodsAsync(ns, "web"), p => Assert.Null(p.Env("VERSION")));
        await ns.OkAsync("rollout", "resume", "deployment/web");
        await RolloutStatusAsync(ns, "web");
        Assert.All(await LivePodsAsync(ns, "web"), p => Assert.Equal("4", p.Env("VERSION")));

        // Restart replaces every pod without a template change of the user's.
        var before = (await LivePodsAsync(ns, "web")).Select(p => p.Name).ToHashSet();
        await ns.OkAsync("rollout", "restart", "deployment/web");
        await RolloutStatusAsync(ns, "web");
        var after = await LivePodsAsync(ns, "web");
        Assert.Equal(4, after.Count);
        Assert.DoesNotContain(after, p => before.Contains(p.Name));

        await ns.OkAsync("scale", "deployment/web", "--replicas=2");
        await ns.WaitForAsync("deployment/web", "{.status.replicas}/{.status.availableReplicas}", s => s == "2/2", "2 replicas, 2 available");
        await ns.EventuallyAsync(async () => (await PodsAsync(ns, "web")).Count(p => !p.Terminating) == 2 ? "" : null, "2 pods left");
    }

    [Fact]
    public async Task A_deleted_pod_is_replaced_and_a_killed_container_restarted()
    {
        cluster.WaitForNodesReady(TimeSpan.FromSeconds(90));
        await using var ns = await LabNamespace.CreateAsync(cluster, "selfheal");
        await ns.ApplyAsync(LabManifests.SleeperDeployment("heal", 2));
        await RolloutStatusAsync(ns, "heal");
        var pods = await PodsAsync(ns, "heal");
        var victim = pods[0].Name;

        await ns.OkAsync("delete", "pod", victim, "--wait=false");
        await ns.EventuallyAsync(
            async () =>
            {
                var now = await PodsAsync(ns, "heal");
                return now.Count(p => p.Ready && !p.Terminating && p.Name != victim) == 2 ? "" : null;
            },
            "a replacement pod ready beside the survivor",
            RolloutTimeout);

        var survivor = pods[1].Name;
        var host = await ns.HostOfAsync(survivor);
        var app = (await ns.ContainersOfAsync(survivor)).Single(c => c.Container == "app" && c.Running);
        var killed = await LabCluster.DockerAsync(host, "kill", app.Id);
        Assert.Equal(0, killed.ExitCode);
        await ns.WaitForAsync($"pod/{survivor}", "{.status.containerStatuses[0].restartCount}", c => c == "1", "restartCount 1 after the kill");
        await ns.WaitForReadyAsync(survivor);
    }

    internal static async Task RolloutStatusAsync(LabNamespace ns, string deployment)
    {
        var result = await ns.RunAsync("rollout", "status", $"deployment/{deployment}", $"--timeout={(int)RolloutTimeout.TotalSeconds}s");
        if (result.ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException($"rollout status failed: {result.Output}\n{await ns.DiagnosticsAsync($"deployment/{deployment}")}");
        }
    }

    /// <summary>The pods not being deleted: right after a rollout the replaced ones may still be terminating.</summary>
    internal static async Task<List<LabPod>> LivePodsAsync(LabNamespace ns, string app) => (await PodsAsync(ns, app)).Where(p => !p.Terminating).ToList();

    internal static async Task<List<LabPod>> PodsAsync(LabNamespace ns, string app)
    {
        var list = JsonNode.Parse(await ns.OkAsync("get", "pods", "-l", $"app={app}", "-o", "json"))!;
        return list["items"]!.AsArray().Select(p => new LabPod(p!)).ToList();
    }
}

/// <summary>What the workload tests read of a pod.</summary>
public sealed class LabPod(JsonNode pod)
{
    public string Name => pod["metadata"]!["name"]!.ToString();

    public bool Terminating => pod["metadata"]!["deletionTimestamp"] is not null;

    public bool Ready => pod["status"]?["conditions"]?.AsArray().Any(c => c!["type"]!.ToString() == "Ready" && c["status"]!.ToString() == "True") == true;

    public string? NodeName => pod["spec"]?["nodeName"]?.ToString();

    public string? Env(string name) =>
        pod["spec"]!["containers"]![0]!["env"]?.AsArray().FirstOrDefault(e => e!["name"]!.ToString() == name)?["value"]?.ToString();
}
