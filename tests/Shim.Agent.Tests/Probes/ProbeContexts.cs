using Shim.Agent.Pods.Probes;
using Shim.Docker;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;

namespace Shim.Agent.Tests.Probes;

/// <summary>Probe contexts for tests: a pod "web" in namespace "probes" whose IP is loopback.</summary>
internal static class ProbeContexts
{
    public static ProbeContext Loopback(params ContainerPort[] ports) => For(NoDockerClient.Create(), "no-container", ports);

    public static ProbeContext For(IDockerClient docker, string containerId, params ContainerPort[] ports) => new(
        docker,
        containerId,
        new Pod { Metadata = new ObjectMeta { Name = "web", Namespace = "probes", Uid = "0f1e2d3c" } },
        new Container { Name = "app", Image = "shim/busybox:1.35", Ports = [.. ports] },
        "127.0.0.1");
}
