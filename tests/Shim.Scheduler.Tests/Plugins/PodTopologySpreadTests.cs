using Shim.Model.Core.V1;
using Shim.Scheduler.Plugins.PodTopologySpread;
using Shim.Scheduler.Snapshot;
using Shim.Scheduler.Tests.Support;

namespace Shim.Scheduler.Tests.Plugins;

public class PodTopologySpreadTests
{
    private readonly PodTopologySpreadPlugin _plugin = new();

    private static Pod Spread(string name, string constraints, string extraSpec = "") => Manifests.Pod($"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {name}
          namespace: default
          labels: {"{"}app: web{"}"}
        spec:
          topologySpreadConstraints:
        {constraints}
        {extraSpec}
          containers: [{"{"}name: app, image: app{"}"}]
        """);

    private const string ZoneDoNotSchedule = """
          - maxSkew: 1
            topologyKey: topology.kubernetes.io/zone
            whenUnsatisfiable: DoNotSchedule
            labelSelector: {matchLabels: {app: web}}
        """;

    /// <summary>Zone z1 (node-a, node-b) holds two web pods, z2 (node-c) one; node-x lacks a zone label.</summary>
    private static ClusterSnapshot Cluster() => ClusterSnapshot.Create(
        [
            Manifests.NodeNamed("node-a", labels: "topology.kubernetes.io/zone=z1"),
            Manifests.NodeNamed("node-b", labels: "topology.kubernetes.io/zone=z1"),
            Manifests.NodeNamed("node-c", labels: "topology.kubernetes.io/zone=z2"),
            Manifests.NodeNamed("node-x"),
        ],
        [
            Manifests.PodNamed("web-1", labels: "app=web", nodeName: "node-a"),
            Manifests.PodNamed("web-2", labels: "app=web", nodeName: "node-b"),
            Manifests.PodNamed("web-3", labels: "app=web", nodeName: "node-c"),
            Manifests.PodNamed("db", labels: "app=db", nodeName: "node-c"),
            Manifests.PodNamed("web-other-ns", labels: "app=web", nodeName: "node-c", ns: "staging"),
        ]);

    [Fact]
    public void DoNotScheduleKeepsTheSkewWithinMaxSkew()
    {
        var snapshot = Cluster();
        var pod = Spread("web-4", ZoneDoNotSchedule);

        // z1 would have 3 against z2's 1: skew 2 > 1. z2 gets 2 against 2.
        Assert.Equal(["node-c"], PluginHarness.Feasible(_plugin, pod, snapshot));
        Assert.Equal(["node(s) didn't match pod topology spread constraints"], PluginHarness.Filter(_plugin, pod, snapshot, "node-a").Reasons);
        Assert.Equal(["node(s) didn't match pod topology spread constraints (missing required label)"], PluginHarness.Filter(_plugin, pod, snapshot, "node-x").Reasons);
    }

    [Fact]
    public void APodTheSelectorDoesNotMatchDoesNotAddToTheSkew()
    {
        var pod = Spread("web-4", """
              - maxSkew: 1
                topologyKey: topology.kubernetes.io/zone
                whenUnsatisfiable: DoNotSchedule
                labelSelector: {matchLabels: {app: other}}
            """);

        Assert.Equal(["node-a", "node-b", "node-c"], PluginHarness.Feasible(_plugin, pod, Cluster()));
    }

    [Fact]
    public void NodesFailingTheNodeSelectorDoNotFormDomains()
    {
        // Only z1 is eligible, so z2's single pod is not the global minimum and z1 is fine.
        var pod = Spread("web-4", ZoneDoNotSchedule, "  nodeSelector: {topology.kubernetes.io/zone: z1}");

        Assert.True(PluginHarness.Filter(_plugin, pod, Cluster(), "node-a").IsSuccess);
    }

    [Fact]
    public void MinDomainsTreatsTheGlobalMinimumAsZero()
    {
        var pod = Spread("web-4", """
              - maxSkew: 2
                minDomains: 3
                topologyKey: topology.kubernetes.io/zone
                whenUnsatisfiable: DoNotSchedule
                labelSelector: {matchLabels: {app: web}}
            """);

        // Two zones < minDomains 3: z2 would hold 2 - 0 = 2 (ok), z1 3 - 0 = 3 (too many).
        Assert.Equal(["node-c"], PluginHarness.Feasible(_plugin, pod, Cluster()));
    }

    [Fact]
    public void ScheduleAnywayPrefersEmptierDomainsAndIgnoresNodesWithoutTheKey()
    {
        var pod = Spread("web-4", """
              - maxSkew: 1
                topologyKey: topology.kubernetes.io/zone
                whenUnsatisfiable: ScheduleAnyway
                labelSelector: {matchLabels: {app: web}}
            """);

        var scores = PluginHarness.Scores(_plugin, pod, Cluster());

        Assert.Equal(100, scores["node-c"]);
        Assert.True(scores["node-a"] < scores["node-c"]);
        Assert.Equal(scores["node-a"], scores["node-b"]);
        Assert.Equal(0, scores["node-x"]);
        Assert.Empty(PluginHarness.Feasible(_plugin, pod, ClusterSnapshot.Create([], [])));
        Assert.Equal(4, PluginHarness.Feasible(_plugin, pod, Cluster()).Count); // a soft constraint never filters
    }

    [Fact]
    public void HostnameSpreadingCountsPodsPerNode()
    {
        var pod = Spread("web-4", """
              - maxSkew: 1
                topologyKey: kubernetes.io/hostname
                whenUnsatisfiable: DoNotSchedule
                labelSelector: {matchLabels: {app: web}}
            """);

        // Every node but node-x holds one web pod, so node-x (0) is the minimum: placing on it is the only skew-1 option
        // for the others would give 2 - 0 = 2.
        Assert.Equal(["node-x"], PluginHarness.Feasible(_plugin, pod, Cluster()));
    }
}
