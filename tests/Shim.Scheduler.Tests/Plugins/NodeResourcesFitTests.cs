using Shim.Scheduler.Plugins.NodeResources;
using Shim.Scheduler.Snapshot;
using Shim.Scheduler.Tests.Support;

namespace Shim.Scheduler.Tests.Plugins;

public class NodeResourcesFitTests
{
    private readonly NodeResourcesFitPlugin _plugin = new();

    [Fact]
    public void RequestsMustFitWhatThePodsAlreadyThereLeave()
    {
        var snapshot = ClusterSnapshot.Create(
            [Manifests.NodeNamed("node-a", cpu: "2", memory: "4Gi")],
            [Manifests.PodNamed("db", cpu: "1500m", memory: "3Gi", nodeName: "node-a")]);

        Assert.True(PluginHarness.Filter(_plugin, Manifests.PodNamed("small", cpu: "500m", memory: "1Gi"), snapshot, "node-a").IsSuccess);
        Assert.Equal(["Insufficient cpu"], PluginHarness.Filter(_plugin, Manifests.PodNamed("cpu-hungry", cpu: "501m"), snapshot, "node-a").Reasons);
        Assert.Equal(
            ["Insufficient cpu", "Insufficient memory"],
            PluginHarness.Filter(_plugin, Manifests.PodNamed("big", cpu: "1", memory: "2Gi"), snapshot, "node-a").Reasons);
    }

    [Fact]
    public void ThePodCountIsAResourceToo()
    {
        var snapshot = ClusterSnapshot.Create(
            [Manifests.NodeNamed("tiny", pods: 2)],
            [Manifests.PodNamed("a", nodeName: "tiny"), Manifests.PodNamed("b", nodeName: "tiny")]);

        Assert.Equal(["Too many pods"], PluginHarness.Filter(_plugin, Manifests.PodNamed("besteffort"), snapshot, "tiny").Reasons);
    }

    [Fact]
    public void ExtendedResourcesAreMatchedByName()
    {
        var snapshot = ClusterSnapshot.Create(
            [
                Manifests.Node("""
                    apiVersion: v1
                    kind: Node
                    metadata: {name: gpu-node}
                    status: {allocatable: {cpu: "8", memory: 32Gi, pods: "110", nvidia.com/gpu: "2"}}
                    """),
                Manifests.NodeNamed("cpu-node"),
            ],
            []);
        var trainer = Manifests.Pod("""
            apiVersion: v1
            kind: Pod
            metadata: {name: trainer, namespace: ml}
            spec:
              containers:
              - name: train
                image: train
                resources:
                  requests: {cpu: "1", nvidia.com/gpu: "2"}
                  limits: {nvidia.com/gpu: "2"}
            """);

        Assert.Equal(["gpu-node"], PluginHarness.Feasible(_plugin, trainer, snapshot));
        Assert.Equal(["Insufficient nvidia.com/gpu"], PluginHarness.Filter(_plugin, trainer, snapshot, "cpu-node").Reasons);

        snapshot.AssumePod(trainer, "gpu-node");
        var second = Manifests.Read<Shim.Model.Core.V1.Pod>(Shim.Model.ModelJson.Serialize(trainer));
        second.Metadata!.Name = "trainer-2";
        Assert.Equal(["Insufficient nvidia.com/gpu"], PluginHarness.Filter(_plugin, second, snapshot, "gpu-node").Reasons);
    }

    [Fact]
    public void BestEffortPodsOnlyNeedAPodSlot()
    {
        var snapshot = ClusterSnapshot.Create(
            [Manifests.NodeNamed("full", cpu: "1", memory: "1Gi")],
            [Manifests.PodNamed("hog", cpu: "1", memory: "1Gi", nodeName: "full")]);

        Assert.True(PluginHarness.Filter(_plugin, Manifests.PodNamed("besteffort"), snapshot, "full").IsSuccess);
    }
}
