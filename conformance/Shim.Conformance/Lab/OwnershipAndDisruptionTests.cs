using Xunit;

namespace Shim.Conformance.Lab;

/// <summary>Cascading and orphaning deletes, namespace deletion, and drain honouring a PodDisruptionBudget.</summary>
[Collection("lab")]
public sealed class OwnershipAndDisruptionTests(LabCluster cluster)
{
    [Fact]
    public async Task Orphan_keeps_the_dependents_and_foreground_removes_them_first()
    {
        cluster.WaitForNodesReady(TimeSpan.FromSeconds(90));
        await using var ns = await LabNamespace.CreateAsync(cluster, "cascade");
        await ns.ApplyAsync(LabManifests.SleeperDeployment("kept", 2));
        await DeploymentTests.RolloutStatusAsync(ns, "kept");
        var rs = (await ns.OkAsync("get", "rs", "-l", "app=kept", "-o", "name")).Trim();

        await ns.OkAsync("delete", "deployment/kept", "--cascade=orphan");
        await ns.WaitForAsync(rs, "{.metadata.ownerReferences}", o => o.Length == 0, "the ReplicaSet orphaned");
        Assert.Equal(2, (await DeploymentTests.PodsAsync(ns, "kept")).Count(p => p.Ready));
        Assert.False((await ns.RunAsync("get", "deployment/kept")).ExitCode == 0, "the deployment is gone");

        // The orphaned ReplicaSet deleted in the foreground: its pods go first, then it.
        await ns.OkAsync("delete", rs, "--cascade=foreground", "--wait=false");
        await ns.EventuallyAsync(async () => (await DeploymentTests.PodsAsync(ns, "kept")).Count == 0 ? "" : null, "the pods gone", TimeSpan.FromSeconds(90));
        await ns.EventuallyAsync(async () => (await ns.RunAsync("get", rs)).ExitCode != 0 ? "" : null, "the ReplicaSet gone after its pods");
    }

    [Fact]
    public async Task Deleting_a_namespace_removes_its_pods_and_their_containers()
    {
        cluster.WaitForNodesReady(TimeSpan.FromSeconds(90));
        var ns = await LabNamespace.CreateAsync(cluster, "doomed");
        await using (ns)
        {
            await ns.ApplyAsync(LabManifests.SleeperDeployment("app", 2));
            await DeploymentTests.RolloutStatusAsync(ns, "app");
            var uids = new List<(int Host, string Uid)>();
            foreach (var pod in await DeploymentTests.PodsAsync(ns, "app"))
            {
                uids.Add((await ns.HostOfAsync(pod.Name), await ns.UidAsync(pod.Name)));
            }

            await cluster.OkAsync(LabNamespace.Kubectl, "delete", "namespace", ns.Name, "--timeout=120s");
            Assert.NotEqual(0, (await cluster.KubectlAsync(LabNamespace.Kubectl, "get", "namespace", ns.Name)).ExitCode);
            foreach (var (host, uid) in uids)
            {
                await ns.EventuallyAsync(async () => (await LabNamespace.ContainersAsync(host, uid)).Count == 0 ? "" : null, $"no containers of pod {uid} on h{host}");
            }
        }
    }

    [Fact]
    public async Task Drain_is_blocked_by_a_disruption_budget_until_it_allows_an_eviction()
    {
        cluster.WaitForNodesReady(TimeSpan.FromSeconds(90));
        await using var ns = await LabNamespace.CreateAsync(cluster, "drain");
        // Both replicas on h1: h2 is cordoned while they are placed.
        await cluster.OkAsync(LabNamespace.Kubectl, "cordon", "h2");
        try
        {
            await ns.ApplyAsync(LabManifests.SleeperDeployment("guarded", 2));
            await DeploymentTests.RolloutStatusAsync(ns, "guarded");
        }
        finally
        {
            await cluster.OkAsync(LabNamespace.Kubectl, "uncordon", "h2");
        }

        Assert.All(await DeploymentTests.PodsAsync(ns, "guarded"), p => Assert.Equal("h1", p.NodeName));
        await ns.ApplyAsync("""
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: guard}
            spec:
              minAvailable: 2
              selector: {matchLabels: {app: guarded}}
            """);
        await ns.WaitForAsync("pdb/guard", "{.status.currentHealthy}/{.status.disruptionsAllowed}", s => s == "2/0", "2 healthy, 0 disruptions allowed");

        try
        {
            var blocked = await cluster.KubectlAsync(LabNamespace.Kubectl, "drain", "h1", "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=15s", "--pod-selector", "app=guarded");
            Assert.NotEqual(0, blocked.ExitCode);
            Assert.Contains("disruption budget", blocked.Output, StringComparison.Ordinal);
            Assert.Equal(2, (await DeploymentTests.PodsAsync(ns, "guarded")).Count(p => p.Ready && !p.Terminating));

            // One disruption allowed: the drain evicts one pod, its replacement starts on h2 (h1 is cordoned by the
            // drain), and once it is ready the budget lets the second eviction through.
            await ns.OkAsync("patch", "pdb/guard", "--type=merge", "-p", """{"spec":{"minAvailable":1}}""");
            var drained = await cluster.KubectlAsync(LabNamespace.Kubectl, "drain", "h1", "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=120s", "--pod-selector", "app=guarded");
            Assert.True(drained.ExitCode == 0, drained.Output);
            Assert.Contains("evicted", drained.Output, StringComparison.Ordinal);
            await DeploymentTests.RolloutStatusAsync(ns, "guarded");
            Assert.All((await DeploymentTests.PodsAsync(ns, "guarded")).Where(p => !p.Terminating), p => Assert.Equal("h2", p.NodeName));
        }
        finally
        {
            await cluster.OkAsync(LabNamespace.Kubectl, "uncordon", "h1");
        }
    }
}
