using Shim.Model.Core.V1;
using Shim.Scheduler.Plugins.InterPodAffinity;
using Shim.Scheduler.Snapshot;
using Shim.Scheduler.Tests.Support;

namespace Shim.Scheduler.Tests.Plugins;

public class InterPodAffinityTests
{
    private readonly InterPodAffinityPlugin _plugin = new();

    private static Pod PodWith(string name, string labels, string affinityYaml, string nodeName = "", string ns = "default") => Manifests.Pod($"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {name}
          namespace: {ns}
          labels: {labels}
        spec:
          nodeName: "{nodeName}"
          affinity:
        {affinityYaml}
          containers: [{"{"}name: app, image: app{"}"}]
        """);

    private static ClusterSnapshot ThreeNodesInTwoZones(params Pod[] pods) => ClusterSnapshot.Create(
        [
            Manifests.NodeNamed("node-a", labels: "topology.kubernetes.io/zone=z1"),
            Manifests.NodeNamed("node-b", labels: "topology.kubernetes.io/zone=z1"),
            Manifests.NodeNamed("node-c", labels: "topology.kubernetes.io/zone=z2"),
        ],
        pods);

    private const string AntiAffinityToWebPerHost = """
            podAntiAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
              - labelSelector: {matchLabels: {app: web}}
                topologyKey: kubernetes.io/hostname
        """;

    [Fact]
    public void RequiredAntiAffinityKeepsReplicasOnDifferentHosts()
    {
        var snapshot = ThreeNodesInTwoZones(PodWith("web-1", "{app: web}", AntiAffinityToWebPerHost, nodeName: "node-a"));
        var replica = PodWith("web-2", "{app: web}", AntiAffinityToWebPerHost);

        Assert.Equal(["node-b", "node-c"], PluginHarness.Feasible(_plugin, replica, snapshot));
    }

    [Fact]
    public void AnExistingPodsAntiAffinityRepelsTheIncomingPod()
    {
        var snapshot = ThreeNodesInTwoZones(PodWith("web-1", "{app: web}", AntiAffinityToWebPerHost, nodeName: "node-a"));
        var plain = Manifests.PodNamed("web-x", labels: "app=web");

        Assert.Equal(["node(s) didn't satisfy existing pods anti-affinity rules"], PluginHarness.Filter(_plugin, plain, snapshot, "node-a").Reasons);
        Assert.True(PluginHarness.Filter(_plugin, Manifests.PodNamed("db", labels: "app=db"), snapshot, "node-a").IsSuccess);
    }

    [Fact]
    public void IncomingAntiAffinityReasonIsReported()
    {
        var snapshot = ThreeNodesInTwoZones(Manifests.PodNamed("web-1", labels: "app=web", nodeName: "node-a"));
        var replica = PodWith("web-2", "{app: web}", AntiAffinityToWebPerHost);

        Assert.Equal(["node(s) didn't match pod anti-affinity rules"], PluginHarness.Filter(_plugin, replica, snapshot, "node-a").Reasons);
    }

    [Fact]
    public void RequiredAffinityWorksOnAnyTopologyKey()
    {
        var snapshot = ThreeNodesInTwoZones(Manifests.PodNamed("cache", labels: "app=cache", nodeName: "node-b"));
        var web = PodWith("web", "{app: web}", """
                podAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                  - labelSelector: {matchExpressions: [{key: app, operator: In, values: [cache]}]}
                    topologyKey: topology.kubernetes.io/zone
            """);

        Assert.Equal(["node-a", "node-b"], PluginHarness.Feasible(_plugin, web, snapshot));
        Assert.Equal(["node(s) didn't match pod affinity rules"], PluginHarness.Filter(_plugin, web, snapshot, "node-c").Reasons);
    }

    [Fact]
    public void TheFirstPodOfASelfAffineGroupMayGoAnywhere()
    {
        const string selfAffinity = """
                podAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                  - labelSelector: {matchLabels: {group: batch}}
                    topologyKey: kubernetes.io/hostname
            """;
        var snapshot = ThreeNodesInTwoZones();

        Assert.Equal(3, PluginHarness.Feasible(_plugin, PodWith("first", "{group: batch}", selfAffinity), snapshot).Count);
        Assert.Empty(PluginHarness.Feasible(_plugin, PodWith("stranger", "{group: other}", selfAffinity), snapshot));

        snapshot.AddPod(PodWith("first", "{group: batch}", selfAffinity, nodeName: "node-c"));
        Assert.Equal(["node-c"], PluginHarness.Feasible(_plugin, PodWith("second", "{group: batch}", selfAffinity), snapshot));
    }

    [Fact]
    public void TermsLookInTheOwnersNamespaceUnlessToldOtherwise()
    {
        var snapshot = ThreeNodesInTwoZones(Manifests.PodNamed("web-1", labels: "app=web", nodeName: "node-a", ns: "other"));

        Assert.Equal(3, PluginHarness.Feasible(_plugin, PodWith("web-2", "{app: web}", AntiAffinityToWebPerHost), snapshot).Count);

        var allNamespaces = PodWith("web-3", "{app: web}", """
                podAntiAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                  - labelSelector: {matchLabels: {app: web}}
                    namespaceSelector: {}
                    topologyKey: kubernetes.io/hostname
            """);
        Assert.Equal(["node-b", "node-c"], PluginHarness.Feasible(_plugin, allNamespaces, snapshot));
    }

    [Fact]
    public void PreferredAffinityAndAntiAffinityScoreByDomain()
    {
        var snapshot = ThreeNodesInTwoZones(
            Manifests.PodNamed("cache", labels: "app=cache", nodeName: "node-a"),
            Manifests.PodNamed("batch", labels: "app=batch", nodeName: "node-c"));
        var web = PodWith("web", "{app: web}", """
                podAffinity:
                  preferredDuringSchedulingIgnoredDuringExecution:
                  - weight: 50
                    podAffinityTerm:
                      labelSelector: {matchLabels: {app: cache}}
                      topologyKey: topology.kubernetes.io/zone
                podAntiAffinity:
                  preferredDuringSchedulingIgnoredDuringExecution:
                  - weight: 100
                    podAffinityTerm:
                      labelSelector: {matchLabels: {app: batch}}
                      topologyKey: kubernetes.io/hostname
            """);

        var scores = PluginHarness.Scores(_plugin, web, snapshot);

        // Raw: node-a 50, node-b 50 (same zone as the cache), node-c -100; min-max normalized.
        Assert.Equal(100, scores["node-a"]);
        Assert.Equal(100, scores["node-b"]);
        Assert.Equal(0, scores["node-c"]);
    }
}
