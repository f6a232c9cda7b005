using Shim.Scheduler.Snapshot;
using Shim.Scheduler.Tests.Support;

namespace Shim.Scheduler.Tests;

public class PodSchedulerTests
{
    [Fact]
    public void TheFailureMessageCountsReasonsSortedAsUpstream()
    {
        var snapshot = ClusterSnapshot.Create(
            [
                Manifests.NodeNamed("small", cpu: "500m"),
                Manifests.NodeNamed("edge-1", labels: "tier=edge"),
                Manifests.NodeNamed("edge-2", labels: "tier=edge"),
            ],
            []);
        var pod = Manifests.Pod("""
            apiVersion: v1
            kind: Pod
            metadata: {name: api, namespace: default}
            spec:
              nodeSelector: {tier: core}
              containers:
              - name: api
                image: api
                resources: {requests: {cpu: "1"}}
            """);
        snapshot.AddNode(Manifests.NodeNamed("small", cpu: "500m", labels: "tier=core"));

        var result = PodScheduler.CreateDefault().Schedule(pod, snapshot);

        Assert.False(result.Succeeded);
        Assert.Equal("0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector.", result.FailureMessage);
        Assert.Equal(["Insufficient cpu"], result.FilterFailures["small"]);
    }

    [Fact]
    public void ReasonsSortAsStringsAndEveryReasonOfANodeCounts()
    {
        var message = FitErrorMessage.Format(12, [.. Enumerable.Repeat<IReadOnlyList<string>>(["Insufficient cpu", "Insufficient memory"], 10), ["Too many pods"], ["node(s) were unschedulable"]]);

        Assert.Equal("0/12 nodes are available: 1 Too many pods, 1 node(s) were unschedulable, 10 Insufficient cpu, 10 Insufficient memory.", message);
    }

    [Fact]
    public void NoNodesAtAll()
    {
        var result = PodScheduler.CreateDefault().Schedule(Manifests.PodNamed("web"), ClusterSnapshot.Create([], []));

        Assert.Equal("no nodes available to schedule pods", result.FailureMessage);
    }

    [Fact]
    public void PicksTheLeastLoadedNodeAndAssumedPodsSteerTheNextOne()
    {
        var snapshot = ClusterSnapshot.Create(
            [Manifests.NodeNamed("node-a"), Manifests.NodeNamed("node-b")],
            [Manifests.PodNamed("db", cpu: "2", memory: "4Gi", nodeName: "node-a")]);
        var scheduler = PodScheduler.CreateDefault(new Random(7));

        var first = Manifests.PodNamed("web-1", cpu: "1", memory: "2Gi");
        var result = scheduler.Schedule(first, snapshot);
        Assert.Equal("node-b", result.NodeName);
        Assert.True(result.Scores["node-b"] > result.Scores["node-a"]);

        snapshot.AssumePod(first, result.NodeName!);
        snapshot.AssumePod(Manifests.PodNamed("web-2", cpu: "1", memory: "2Gi"), "node-b");
        Assert.Equal("node-a", scheduler.Schedule(Manifests.PodNamed("web-3", cpu: "500m", memory: "1Gi"), snapshot).NodeName);
    }

    [Fact]
    public void TiesAreBrokenAtRandom()
    {
        var snapshot = ClusterSnapshot.Create([Manifests.NodeNamed("node-a"), Manifests.NodeNamed("node-b"), Manifests.NodeNamed("node-c")], []);
        var chosen = new HashSet<string>();
        for (var seed = 0; seed < 50; seed++)
            chosen.Add(PodScheduler.CreateDefault(new Random(seed)).Schedule(Manifests.PodNamed("web", cpu: "1"), snapshot).NodeName!);

        Assert.Equal(["node-a", "node-b", "node-c"], chosen.Order());
        var again = PodScheduler.CreateDefault(new Random(3)).Schedule(Manifests.PodNamed("web", cpu: "1"), snapshot).NodeName;
        Assert.Equal(again, PodScheduler.CreateDefault(new Random(3)).Schedule(Manifests.PodNamed("web", cpu: "1"), snapshot).NodeName);
    }

    [Fact]
    public void ANodeIsReportedOnlyByTheFirstFilterThatRejectsIt()
    {
        var snapshot = ClusterSnapshot.Create(
            [Manifests.Node("""
                apiVersion: v1
                kind: Node
                metadata: {name: cordoned, labels: {tier: edge}}
                spec:
                  unschedulable: true
                  taints: [{key: node.kubernetes.io/unschedulable, effect: NoSchedule}]
                status: {allocatable: {cpu: 100m, memory: 1Gi, pods: "10"}}
                """)],
            []);

        var result = PodScheduler.CreateDefault().Schedule(Manifests.PodNamed("web", cpu: "1"), snapshot);

        Assert.Equal("0/1 nodes are available: 1 node(s) were unschedulable.", result.FailureMessage);
    }

    [Fact]
    public void ReplicasWithHostAntiAffinitySpreadAcrossNodesUntilNoneIsLeft()
    {
        var snapshot = ClusterSnapshot.Create([Manifests.NodeNamed("node-a"), Manifests.NodeNamed("node-b")], []);
        var scheduler = PodScheduler.CreateDefault(new Random(1));
        var placed = new List<string?>();
        for (var i = 1; i <= 3; i++)
        {
            var replica = Manifests.Pod($$$"""
                apiVersion: v1
                kind: Pod
                metadata: {name: web-{{{i}}}, namespace: default, labels: {app: web}}
                spec:
                  affinity:
                    podAntiAffinity:
                      requiredDuringSchedulingIgnoredDuringExecution:
                      - labelSelector: {matchLabels: {app: web}}
                        topologyKey: kubernetes.io/hostname
                  containers: [{name: app, image: app}]
                """);
            var result = scheduler.Schedule(replica, snapshot);
            placed.Add(result.NodeName);
            if (result.Succeeded)
                snapshot.AssumePod(replica, result.NodeName!);
            else // the placed replicas' own anti-affinity is checked first, as upstream does
                Assert.Equal("0/2 nodes are available: 2 node(s) didn't satisfy existing pods anti-affinity rules.", result.FailureMessage);
        }

        Assert.Equal(["node-a", "node-b"], placed.Take(2).Order());
        Assert.Null(placed[2]);
    }
}
