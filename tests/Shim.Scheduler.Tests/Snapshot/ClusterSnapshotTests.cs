using Shim.Scheduler.Snapshot;
using Shim.Scheduler.Tests.Support;

namespace Shim.Scheduler.Tests.Snapshot;

public class ClusterSnapshotTests
{
    [Fact]
    public void BoundPodsAreSummedOnTheirNodeAndPendingPodsAreNot()
    {
        var snapshot = ClusterSnapshot.Create(
            [Manifests.NodeNamed("node-a"), Manifests.NodeNamed("node-b")],
            [
                Manifests.PodNamed("web-1", cpu: "500m", memory: "1Gi", nodeName: "node-a"),
                Manifests.PodNamed("web-2", cpu: "250m", nodeName: "node-a"),
                Manifests.PodNamed("pending", cpu: "3"),
            ]);

        var nodeA = snapshot.GetNode("node-a")!;
        Assert.Equal(2, nodeA.Pods.Count);
        Assert.Equal(750, nodeA.Requested.MilliCpu);
        Assert.Equal(1L << 30, nodeA.Requested.Memory);
        Assert.Equal(1L << 30 | 200L << 20, nodeA.NonZeroRequested.Memory); // web-2 counts 200Mi for scoring
        Assert.Equal(4000, nodeA.Allocatable.MilliCpu);
        Assert.Equal(110, nodeA.Allocatable.Pods);
        Assert.Equal(100L << 30, nodeA.Allocatable.EphemeralStorage);
        Assert.Empty(snapshot.GetNode("node-b")!.Pods);
    }

    [Fact]
    public void TerminatedPodsDoNotCountAndLeaveWhenTheyTerminate()
    {
        var done = Manifests.PodNamed("job-1", cpu: "1", nodeName: "node-a");
        done.Status = new() { Phase = "Succeeded" };
        var running = Manifests.PodNamed("job-2", cpu: "1", nodeName: "node-a");
        var snapshot = ClusterSnapshot.Create([Manifests.NodeNamed("node-a")], [done, running]);
        Assert.Equal(1000, snapshot.GetNode("node-a")!.Requested.MilliCpu);

        var failed = Manifests.PodNamed("job-2", cpu: "1", nodeName: "node-a");
        failed.Status = new() { Phase = "Failed" };
        snapshot.AddPod(failed);

        Assert.Empty(snapshot.GetNode("node-a")!.Pods);
        Assert.Equal(0, snapshot.GetNode("node-a")!.Requested.MilliCpu);
    }

    [Fact]
    public void UpdatingAPodReplacesItsRequestsAndRemovingItFreesThem()
    {
        var snapshot = ClusterSnapshot.Create([Manifests.NodeNamed("node-a")], [Manifests.PodNamed("web", cpu: "1", nodeName: "node-a")]);

        snapshot.AddPod(Manifests.PodNamed("web", cpu: "2", nodeName: "node-a"));
        Assert.Equal(2000, snapshot.GetNode("node-a")!.Requested.MilliCpu);

        snapshot.RemovePod(Manifests.PodNamed("web"));
        Assert.Equal(0, snapshot.GetNode("node-a")!.Requested.MilliCpu);
        Assert.Equal(0, snapshot.GetNode("node-a")!.NonZeroRequested.MilliCpu);
    }

    [Fact]
    public void AssumedPodsCountUntilForgottenOrSeenBound()
    {
        var snapshot = ClusterSnapshot.Create([Manifests.NodeNamed("node-a"), Manifests.NodeNamed("node-b")], []);
        var pod = Manifests.PodNamed("web", cpu: "1");

        snapshot.AssumePod(pod, "node-a");
        Assert.True(snapshot.IsAssumed(pod));
        Assert.Equal(1000, snapshot.GetNode("node-a")!.Requested.MilliCpu);

        // The informer still reports the pod unbound: the assumption stands.
        snapshot.AddPod(pod);
        Assert.Equal(1000, snapshot.GetNode("node-a")!.Requested.MilliCpu);

        snapshot.ForgetPod(pod);
        Assert.Equal(0, snapshot.GetNode("node-a")!.Requested.MilliCpu);
        Assert.Null(snapshot.NodeOf(pod));

        snapshot.AssumePod(pod, "node-a");
        snapshot.AddPod(Manifests.PodNamed("web", cpu: "1", nodeName: "node-a"));
        Assert.False(snapshot.IsAssumed(pod));
        snapshot.ForgetPod(pod); // a bound pod is not forgotten
        Assert.Equal(1000, snapshot.GetNode("node-a")!.Requested.MilliCpu);
    }

    [Fact]
    public void PodsOfAnUnknownNodeAreKeptUntilTheNodeArrives()
    {
        var snapshot = ClusterSnapshot.Create([], [Manifests.PodNamed("web", cpu: "1", nodeName: "node-late")]);
        Assert.Empty(snapshot.Nodes);

        snapshot.AddNode(Manifests.NodeNamed("node-late"));

        Assert.Equal(1000, snapshot.GetNode("node-late")!.Requested.MilliCpu);

        snapshot.RemoveNode("node-late");
        Assert.Empty(snapshot.Nodes);
        snapshot.AddNode(Manifests.NodeNamed("node-late", cpu: "8"));
        Assert.Equal(1000, snapshot.GetNode("node-late")!.Requested.MilliCpu);
        Assert.Equal(8000, snapshot.GetNode("node-late")!.Allocatable.MilliCpu);
    }

    [Fact]
    public void NodesWithoutAHostnameLabelGetTheirName()
    {
        var snapshot = ClusterSnapshot.Create([Manifests.Node("""
            apiVersion: v1
            kind: Node
            metadata: {name: bare}
            """)], []);

        Assert.Equal("bare", snapshot.GetNode("bare")!.Labels["kubernetes.io/hostname"]);
    }
}
