using Xunit;

namespace Shim.Conformance.Lab;

/// <summary>
/// A whole Docker host dies (agent and dockerd killed): its node goes Unknown after the grace period, gets the
/// unreachable taint, its pods are evicted after their toleration and replaced on the healthy host; when the host comes
/// back, the containers of the evicted pods are removed. The lab server runs with short timeouts (LabCluster).
/// </summary>
[Collection("lab")]
public sealed class HostFailureTests(LabCluster cluster)
{
    [Fact]
    public async Task Pods_of_a_dead_host_run_elsewhere_and_leave_no_containers_when_it_returns()
    {
        cluster.WaitForNodesReady(TimeSpan.FromSeconds(90));
        await using var ns = await LabNamespace.CreateAsync(cluster, "hostdown");
        await cluster.OkAsync(LabNamespace.Kubectl, "cordon", "h2");
        try
        {
            await ns.ApplyAsync(LabManifests.SleeperDeployment("moving", 2));
            await DeploymentTests.RolloutStatusAsync(ns, "moving");
        }
        finally
        {
            await cluster.OkAsync(LabNamespace.Kubectl, "uncordon", "h2");
        }

        var originals = new List<(string Name, string Uid)>();
        foreach (var pod in await DeploymentTests.PodsAsync(ns, "moving"))
        {
            Assert.Equal("h1", pod.NodeName);
            originals.Add((pod.Name, await ns.UidAsync(pod.Name)));
        }

        LabCluster.StopAgent(1);
        LabCluster.Lab("stop-docker", "1");
        try
        {
            await ns.WaitForAsync("node/h1", "{.status.conditions[?(@.type==\"Ready\")].status}", s => s == "Unknown", "h1 Ready=Unknown", TimeSpan.FromSeconds(60));
            await ns.WaitForAsync("node/h1", "{.spec.taints[*].key}", t => t.Contains("node.kubernetes.io/unreachable", StringComparison.Ordinal), "the unreachable taint", TimeSpan.FromSeconds(30));
            await ns.EventuallyAsync(
                async () =>
                {
                    var pods = await DeploymentTests.PodsAsync(ns, "moving");
                    return pods.Count(p => !p.Terminating && p.Ready && p.NodeName == "h2") == 2 ? "" : null;
                },
                "two replacement pods ready on h2",
                TimeSpan.FromSeconds(120),
                "deployment/moving");
        }
        finally
        {
            LabCluster.Lab("start-docker", "1");
            cluster.StartAgent(1);
        }

        cluster.WaitForNodesReady(TimeSpan.FromSeconds(90));
        await ns.WaitForAsync("node/h1", "{.spec.taints[*].key}", t => !t.Contains("node.kubernetes.io/unreachable", StringComparison.Ordinal), "the unreachable taint removed");
        foreach (var (name, uid) in originals)
        {
            await ns.EventuallyAsync(async () => (await ns.RunAsync("get", "pod", name)).ExitCode != 0 ? "" : null, $"evicted pod {name} gone", TimeSpan.FromSeconds(90));
            await ns.EventuallyAsync(async () => (await LabNamespace.ContainersAsync(1, uid)).Count == 0 ? "" : null, $"no containers of {name} left on h1", TimeSpan.FromSeconds(90));
        }

        Assert.Equal(2, (await DeploymentTests.PodsAsync(ns, "moving")).Count(p => p.Ready && !p.Terminating));
    }
}
