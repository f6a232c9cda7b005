using Shim.Scheduler.Plugins.TaintToleration;
using Shim.Scheduler.Snapshot;
using Shim.Scheduler.Tests.Support;

namespace Shim.Scheduler.Tests.Plugins;

public class TaintTolerationTests
{
    private readonly TaintTolerationPlugin _plugin = new();

    private static readonly ClusterSnapshot Cluster = ClusterSnapshot.Create(
        [
            Manifests.NodeNamed("worker"),
            TaintedNode("control-plane", "{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}"),
            TaintedNode("gpu", "{key: dedicated, value: gpu, effect: NoSchedule}"),
            TaintedNode("draining", "{key: node.kubernetes.io/not-ready, effect: NoExecute}"),
            TaintedNode("spot", "{key: spot, value: 'true', effect: PreferNoSchedule}"),
        ],
        []);

    private static Shim.Model.Core.V1.Node TaintedNode(string name, string taint) => Manifests.Node($$$"""
        apiVersion: v1
        kind: Node
        metadata: {name: {{{name}}}}
        spec: {taints: [{{{taint}}}]}
        status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}
        """);

    private static Shim.Model.Core.V1.Pod Tolerating(string tolerations) => Manifests.Pod($$$"""
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: default}
        spec:
          tolerations: {{{tolerations}}}
          containers: [{name: app, image: app}]
        """);

    [Fact]
    public void UntoleratedTaintsAreNamedInTheReason()
    {
        var pod = Tolerating("[]");

        Assert.Equal(["spot", "worker"], PluginHarness.Feasible(_plugin, pod, Cluster));
        Assert.Equal(["node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"], PluginHarness.Filter(_plugin, pod, Cluster, "control-plane").Reasons);
        Assert.Equal(["node(s) had untolerated taint {dedicated: gpu}"], PluginHarness.Filter(_plugin, pod, Cluster, "gpu").Reasons);
    }

    [Theory]
    [InlineData("[{key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}]", "gpu,spot,worker")]
    [InlineData("[{key: dedicated, value: gpu}]", "gpu,spot,worker")] // empty operator means Equal, empty effect all effects
    [InlineData("[{key: dedicated, operator: Equal, value: cpu}]", "spot,worker")]
    [InlineData("[{key: dedicated, operator: Exists, effect: NoExecute}]", "spot,worker")]
    [InlineData("[{key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 300}]", "draining,spot,worker")]
    [InlineData("[{operator: Exists}]", "control-plane,draining,gpu,spot,worker")]
    public void TolerationMatchingRules(string tolerations, string expected) =>
        Assert.Equal(expected.Split(','), PluginHarness.Feasible(_plugin, Tolerating(tolerations), Cluster));

    [Fact]
    public void PreferNoScheduleTaintsLowerTheScoreUnlessTolerated()
    {
        var cluster = ClusterSnapshot.Create(
            [Manifests.NodeNamed("worker"), TaintedNode("spot", "{key: spot, value: 'true', effect: PreferNoSchedule}")],
            []);

        var intolerant = PluginHarness.Scores(_plugin, Tolerating("[]"), cluster);
        Assert.Equal(100, intolerant["worker"]);
        Assert.Equal(0, intolerant["spot"]);

        var tolerant = PluginHarness.Scores(_plugin, Tolerating("[{key: spot, operator: Exists, effect: PreferNoSchedule}]"), cluster);
        Assert.Equal(100, tolerant["worker"]);
        Assert.Equal(100, tolerant["spot"]);
    }
}
