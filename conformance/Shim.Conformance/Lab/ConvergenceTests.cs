using Xunit;

namespace Shim.Conformance.Lab;

/// <summary>
/// The agent converges instead of duplicating: after an agent restart it adopts the containers it finds by label,
/// after a dockerd restart it brings the pods back, and containers of pods deleted meanwhile go away. These tests
/// stop and start lab parts and always restore them (agents running, dockerd up, nodes Ready) before they end.
/// </summary>
[Collection("lab")]
public sealed class ConvergenceTests(LabCluster cluster)
{
    private static readonly TimeSpan NodesReadyTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Agent_restart_adopts_the_running_containers_without_duplicating_them()
    {
        cluster.WaitForNodesReady(NodesReadyTimeout);
        await using var ns = await LabNamespace.CreateAsync(cluster, "agentrestart");
        await ns.ApplyAsync(LabManifests.Sleeper("survivor", "  nodeSelector: {kubernetes.io/hostname: h1}"));
        await ns.WaitForReadyAsync("survivor");
        var uid = await ns.UidAsync("survivor");
        var before = await LabNamespace.ContainersAsync(1, uid);
        AssertSandboxAndApp(before);
        var restartsBefore = await ns.RestartCountAsync("survivor", "app");

        LabCluster.StopAgent(1);
        try
        {
            // The containers do not depend on the agent.
            Assert.Equal(before, await LabNamespace.ContainersAsync(1, uid));
        }
        finally
        {
            cluster.StartAgent(1);
        }

        cluster.WaitForNodesReady(NodesReadyTimeout);
        // A pod started after the restart proves the new agent has synced its node's pods.
        await ns.ApplyAsync(LabManifests.Sleeper("after-restart", "  nodeSelector: {kubernetes.io/hostname: h1}"));
        await ns.WaitForReadyAsync("after-restart");

        Assert.Equal(before, await LabNamespace.ContainersAsync(1, uid));
        Assert.Equal("Running", await ns.GetAsync("pod/survivor", "{.status.phase}"));
        Assert.Equal("True", await ns.GetAsync("pod/survivor", "{.status.conditions[?(@.type==\"Ready\")].status}"));
        Assert.Equal(restartsBefore, await ns.RestartCountAsync("survivor", "app"));
        Assert.Equal(
            before.Single(c => c.Container == "app").Id,
            (await ns.GetAsync("pod/survivor", "{.status.containerStatuses[0].containerID}")).Replace("docker://", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pods_deleted_while_the_agent_is_down_lose_their_containers_when_it_is_back()
    {
        cluster.WaitForNodesReady(NodesReadyTimeout);
        await using var ns = await LabNamespace.CreateAsync(cluster, "deletedwhiledown");
        await ns.ApplyAsync(LabManifests.Sleeper("graceful", "  nodeSelector: {kubernetes.io/hostname: h1}"));
        await ns.ApplyAsync(LabManifests.Sleeper("forced", "  nodeSelector: {kubernetes.io/hostname: h1}"));
        await ns.ApplyAsync(LabManifests.Sleeper("kept", "  nodeSelector: {kubernetes.io/hostname: h1}"));
        foreach (var pod in new[] { "graceful", "forced", "kept" })
        {
            await ns.WaitForReadyAsync(pod);
        }

        var graceful = await ns.UidAsync("graceful");
        var forced = await ns.UidAsync("forced");
        var kept = await ns.ContainersOfAsync("kept");
        AssertSandboxAndApp(kept);

        LabCluster.StopAgent(1);
        try
        {
            // A graceful delete waits for the node (the pod stays Terminating); a forced one removes the object at once.
            await ns.OkAsync("delete", "pod", "graceful", "--wait=false");
            await ns.OkAsync("delete", "pod", "forced", "--grace-period=0", "--force");
            await ns.WaitForGoneAsync("forced");
            Assert.NotEqual("", await ns.GetAsync("pod/graceful", "{.metadata.deletionTimestamp}"));
            Assert.Equal(2, (await LabNamespace.ContainersAsync(1, graceful)).Count(c => c.Running));
            Assert.Equal(2, (await LabNamespace.ContainersAsync(1, forced)).Count(c => c.Running));
        }
        finally
        {
            cluster.StartAgent(1);
        }

        cluster.WaitForNodesReady(NodesReadyTimeout);
        await ns.WaitForGoneAsync("graceful");
        await ns.EventuallyAsync(
            async () => (await LabNamespace.ContainersAsync(1, graceful)).Count == 0 && (await LabNamespace.ContainersAsync(1, forced)).Count == 0 ? "none" : null,
            "no containers left of the pods deleted while the agent was down",
            TimeSpan.FromSeconds(60));
        Assert.Equal(kept, await ns.ContainersOfAsync("kept"));
        Assert.Equal("Running", await ns.GetAsync("pod/kept", "{.status.phase}"));
    }

    [Fact]
    public async Task Dockerd_restart_brings_the_pods_back_without_duplicate_containers()
    {
        cluster.WaitForNodesReady(NodesReadyTimeout);
        await using var ns = await LabNamespace.CreateAsync(cluster, "dockerrestart");
        await ns.ApplyAsync(LabManifests.Sleeper("comeback", "  nodeSelector: {kubernetes.io/hostname: h1}"));
        await ns.WaitForReadyAsync("comeback");
        var uid = await ns.UidAsync("comeback");
        var before = await LabNamespace.ContainersAsync(1, uid);
        AssertSandboxAndApp(before);

        // Stopping dockerd (without live-restore) stops every container of the host.
        LabCluster.Lab("stop-docker", "1");
        LabCluster.Lab("start-docker", "1");

        cluster.WaitForNodesReady(NodesReadyTimeout);
        await ns.WaitForReadyAsync("comeback", TimeSpan.FromSeconds(90));
        Assert.Equal("Running", await ns.GetAsync("pod/comeback", "{.status.phase}"));

        // Exactly one sandbox and one app container run; older attempts may only linger as exited containers.
        IReadOnlyList<LabContainer> seen = [];
        var after = await ns.EventuallyAsync(
            async () =>
            {
                seen = await LabNamespace.ContainersAsync(1, uid);
                return seen.Count(c => c.IsSandbox) == 1 && seen.Count(c => c.Running) == 2 ? seen : null;
            },
            "one sandbox and one running app container after the dockerd restart",
            TimeSpan.FromSeconds(60),
            "pod/comeback",
            () => string.Join(", ", seen));
        Assert.Single(after, c => c.IsSandbox && c.Running);
        Assert.Single(after, c => c.Container == "app" && c.Running);
        Assert.True(after.Count(c => c.Container == "app") <= 2, $"at most the current and the previous attempt of app: {string.Join(", ", after)}");
        var runningApp = after.Single(c => c.Container == "app" && c.Running);
        Assert.Equal(runningApp.Id, (await ns.GetAsync("pod/comeback", "{.status.containerStatuses[0].containerID}")).Replace("docker://", "", StringComparison.Ordinal));
        Assert.Equal("comeback", await ns.ShAsync("comeback", "hostname"));

        // A new pod on the restarted engine runs too.
        await ns.ApplyAsync(LabManifests.Sleeper("after-restart", "  nodeSelector: {kubernetes.io/hostname: h1}"));
        await ns.WaitForReadyAsync("after-restart");
    }

    private static void AssertSandboxAndApp(IReadOnlyList<LabContainer> containers)
    {
        Assert.True(
            containers.Count == 2 && containers.Count(c => c.IsSandbox && c.Running) == 1 && containers.Count(c => c.Container == "app" && c.Running) == 1,
            $"expected exactly a running sandbox and a running app container, found: {string.Join(", ", containers)}");
    }
}
