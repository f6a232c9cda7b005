using Shim.Scheduler.Plugins.NodeName;
using Shim.Scheduler.Plugins.NodeUnschedulable;
using Shim.Scheduler.Snapshot;
using Shim.Scheduler.Tests.Support;

namespace Shim.Scheduler.Tests.Plugins;

public class NodeNameAndUnschedulableTests
{
    private static readonly ClusterSnapshot Cluster = ClusterSnapshot.Create(
        [
            Manifests.NodeNamed("node-a"),
            Manifests.Node("""
                apiVersion: v1
                kind: Node
                metadata: {name: cordoned}
                spec: {unschedulable: true}
                status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}
                """),
        ],
        []);

    [Fact]
    public void APodNamingItsNodeFitsOnlyThatNode()
    {
        var pod = Manifests.Pod("""
            apiVersion: v1
            kind: Pod
            metadata: {name: pinned, namespace: default}
            spec:
              nodeName: node-a
              containers: [{name: app, image: app}]
            """);

        Assert.Equal(["node-a"], PluginHarness.Feasible(new NodeNamePlugin(), pod, Cluster));
        Assert.Equal(["node(s) didn't match the requested node name"], PluginHarness.Filter(new NodeNamePlugin(), pod, Cluster, "cordoned").Reasons);
    }

    [Fact]
    public void ACordonedNodeRejectsOrdinaryPods()
    {
        var result = PluginHarness.Filter(new NodeUnschedulablePlugin(), Manifests.PodNamed("web"), Cluster, "cordoned");

        Assert.Equal(["node(s) were unschedulable"], result.Reasons);
    }

    [Theory]
    [InlineData("{key: node.kubernetes.io/unschedulable, operator: Exists, effect: NoSchedule}")]
    [InlineData("{key: node.kubernetes.io/unschedulable, operator: Exists}")]
    [InlineData("{operator: Exists}")]
    public void ACordonedNodeAcceptsPodsToleratingTheUnschedulableTaint(string toleration)
    {
        var pod = Manifests.Pod($"""
            apiVersion: v1
            kind: Pod
            metadata: {"{"}name: daemon, namespace: kube-system{"}"}
            spec:
              tolerations: [{toleration}]
              containers: [{"{"}name: agent, image: agent{"}"}]
            """);

        Assert.True(PluginHarness.Filter(new NodeUnschedulablePlugin(), pod, Cluster, "cordoned").IsSuccess);
    }
}
