using Shim.Scheduler.Plugins.NodeAffinity;
using Shim.Scheduler.Snapshot;
using Shim.Scheduler.Tests.Support;

namespace Shim.Scheduler.Tests.Plugins;

public class NodeAffinityTests
{
    private readonly NodeAffinityPlugin _plugin = new();

    private static readonly ClusterSnapshot Cluster = ClusterSnapshot.Create(
        [
            Manifests.NodeNamed("ssd-1", labels: "disktype=ssd,topology.kubernetes.io/zone=eu-1a,cores=16"),
            Manifests.NodeNamed("ssd-2", labels: "disktype=ssd,topology.kubernetes.io/zone=eu-1b,cores=4"),
            Manifests.NodeNamed("hdd-1", labels: "disktype=hdd,topology.kubernetes.io/zone=eu-1a"),
        ],
        []);

    private static Shim.Model.Core.V1.Pod PodWithAffinity(string nodeSelector, string affinity) => Manifests.Pod($"""
        apiVersion: v1
        kind: Pod
        metadata: {"{"}name: web, namespace: default{"}"}
        spec:
          nodeSelector: {nodeSelector}
          affinity: {affinity}
          containers: [{"{"}name: app, image: app{"}"}]
        """);

    [Fact]
    public void NodeSelectorMustMatchEveryLabel()
    {
        var pod = PodWithAffinity("{disktype: ssd, topology.kubernetes.io/zone: eu-1a}", "{}");

        Assert.Equal(["ssd-1"], PluginHarness.Feasible(_plugin, pod, Cluster));
        Assert.Equal(["node(s) didn't match Pod's node affinity/selector"], PluginHarness.Filter(_plugin, pod, Cluster, "hdd-1").Reasons);
    }

    [Theory]
    [InlineData("[{key: disktype, operator: In, values: [ssd]}]", "ssd-1,ssd-2")]
    [InlineData("[{key: disktype, operator: NotIn, values: [ssd]}]", "hdd-1")]
    [InlineData("[{key: cores, operator: Exists}]", "ssd-1,ssd-2")]
    [InlineData("[{key: cores, operator: DoesNotExist}]", "hdd-1")]
    [InlineData("[{key: cores, operator: Gt, values: ['8']}]", "ssd-1")]
    [InlineData("[{key: cores, operator: Lt, values: ['8']}]", "ssd-2")]
    [InlineData("[{key: disktype, operator: In, values: [ssd]}, {key: topology.kubernetes.io/zone, operator: In, values: [eu-1b]}]", "ssd-2")]
    public void RequiredMatchExpressions(string expressions, string expected)
    {
        var pod = PodWithAffinity("{}", "{nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: " + expressions + "}]}}}");

        Assert.Equal(expected.Split(','), PluginHarness.Feasible(_plugin, pod, Cluster));
    }

    [Fact]
    public void TermsAreOredAndMatchFieldsSelectsByNodeName()
    {
        var pod = Manifests.Pod("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web, namespace: default}
            spec:
              affinity:
                nodeAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                    nodeSelectorTerms:
                    - matchFields: [{key: metadata.name, operator: In, values: [hdd-1]}]
                    - matchExpressions: [{key: cores, operator: Gt, values: ["8"]}]
              containers: [{name: app, image: app}]
            """);

        Assert.Equal(["hdd-1", "ssd-1"], PluginHarness.Feasible(_plugin, pod, Cluster));
    }

    [Fact]
    public void PreferredTermsScoreBySummedWeightScaledToTheBest()
    {
        var pod = Manifests.Pod("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web, namespace: default}
            spec:
              affinity:
                nodeAffinity:
                  preferredDuringSchedulingIgnoredDuringExecution:
                  - weight: 40
                    preference: {matchExpressions: [{key: disktype, operator: In, values: [ssd]}]}
                  - weight: 10
                    preference: {matchExpressions: [{key: topology.kubernetes.io/zone, operator: In, values: [eu-1a]}]}
              containers: [{name: app, image: app}]
            """);

        var scores = PluginHarness.Scores(_plugin, pod, Cluster);

        Assert.Equal(100, scores["ssd-1"]); // 40 + 10 = 50 is the best, scaled to 100
        Assert.Equal(80, scores["ssd-2"]); // 40 * 100 / 50
        Assert.Equal(20, scores["hdd-1"]); // 10 * 100 / 50
    }
}
