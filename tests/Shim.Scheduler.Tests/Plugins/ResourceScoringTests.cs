using Shim.Scheduler.Plugins.NodeResources;
using Shim.Scheduler.Snapshot;
using Shim.Scheduler.Tests.Support;

namespace Shim.Scheduler.Tests.Plugins;

public class ResourceScoringTests
{
    private static ClusterSnapshot Cluster() => ClusterSnapshot.Create(
        [Manifests.NodeNamed("idle", cpu: "4", memory: "8Gi"), Manifests.NodeNamed("busy", cpu: "4", memory: "8Gi")],
        [Manifests.PodNamed("db", cpu: "3", memory: "2Gi", nodeName: "busy")]);

    [Fact]
    public void LeastAllocatedPrefersTheNodeWithMoreRoomLeft()
    {
        var scores = PluginHarness.Scores(new LeastAllocatedPlugin(), Manifests.PodNamed("web", cpu: "1", memory: "2Gi"), Cluster());

        // idle: cpu (4-1)/4 = 75, memory (8-2)/8 = 75 -> 75. busy: cpu (4-4)/4 = 0, memory (8-4)/8 = 50 -> 25.
        Assert.Equal(75, scores["idle"]);
        Assert.Equal(25, scores["busy"]);
    }

    [Fact]
    public void LeastAllocatedCountsBestEffortPodsAtTheNonZeroDefaults()
    {
        var snapshot = ClusterSnapshot.Create([Manifests.NodeNamed("n", cpu: "1", memory: "1000Mi")], []);

        var scores = PluginHarness.Scores(new LeastAllocatedPlugin(), Manifests.PodNamed("besteffort"), snapshot);

        // cpu (1000-100)*100/1000 = 90, memory (1000Mi-200Mi)*100/1000Mi = 80 -> 85.
        Assert.Equal(85, scores["n"]);
    }

    [Fact]
    public void BalancedAllocationPrefersEqualCpuAndMemoryFractions()
    {
        var scores = PluginHarness.Scores(new BalancedAllocationPlugin(), Manifests.PodNamed("web", cpu: "1", memory: "2Gi"), Cluster());

        // idle: cpu 1/4 = .25, memory 2/8 = .25 -> 100. busy: cpu 4/4 = 1, memory 4/8 = .5 -> (1 - .25) * 100 = 75.
        Assert.Equal(100, scores["idle"]);
        Assert.Equal(75, scores["busy"]);
    }

    [Fact]
    public void BalancedAllocationSkipsBestEffortPods()
    {
        var scores = PluginHarness.Scores(new BalancedAllocationPlugin(), Manifests.PodNamed("besteffort"), Cluster());

        Assert.All(scores.Values, s => Assert.Equal(0, s));
    }
}
