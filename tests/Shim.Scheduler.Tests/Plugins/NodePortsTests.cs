using Shim.Model.Core.V1;
using Shim.Scheduler.Plugins.NodePorts;
using Shim.Scheduler.Snapshot;
using Shim.Scheduler.Tests.Support;

namespace Shim.Scheduler.Tests.Plugins;

public class NodePortsTests
{
    private static Pod WithHostPort(string name, string port, string nodeName = "") => Manifests.Pod($$"""
        apiVersion: v1
        kind: Pod
        metadata: {name: {{name}}, namespace: default}
        spec:
          {{(nodeName.Length == 0 ? "" : "nodeName: " + nodeName)}}
          containers: [{name: app, image: app, ports: [{{port}}]}]
        """);

    private static readonly ClusterSnapshot Cluster = ClusterSnapshot.Create(
        [Manifests.NodeNamed("busy"), Manifests.NodeNamed("free")],
        [
            WithHostPort("holder", "{containerPort: 80, hostPort: 8080}", "busy"),
            WithHostPort("dns", "{containerPort: 53, hostPort: 53, protocol: UDP, hostIP: 10.0.0.5}", "busy"),
        ]);

    [Theory]
    [InlineData("{containerPort: 80, hostPort: 8080}")]
    [InlineData("{containerPort: 9000, hostPort: 8080, hostIP: 10.0.0.7}")]
    [InlineData("{containerPort: 53, hostPort: 53, protocol: UDP}")]
    [InlineData("{containerPort: 53, hostPort: 53, protocol: UDP, hostIP: 10.0.0.5}")]
    public void A_host_port_taken_on_an_overlapping_address_rules_the_node_out(string port)
    {
        var pod = WithHostPort("new", port);

        Assert.Equal(["free"], PluginHarness.Feasible(new NodePortsPlugin(), pod, Cluster));
        Assert.Equal([NodePortsPlugin.ReasonNoFreePorts], PluginHarness.Filter(new NodePortsPlugin(), pod, Cluster, "busy").Reasons);
    }

    [Theory]
    [InlineData("{containerPort: 80, hostPort: 8080, protocol: UDP}")]
    [InlineData("{containerPort: 53, hostPort: 53, protocol: UDP, hostIP: 10.0.0.6}")]
    [InlineData("{containerPort: 53, hostPort: 53}")]
    [InlineData("{containerPort: 8080}")]
    public void Another_protocol_address_or_no_host_port_fits_both_nodes(string port)
    {
        Assert.Equal(["busy", "free"], PluginHarness.Feasible(new NodePortsPlugin(), WithHostPort("new", port), Cluster).Order());
    }
}
