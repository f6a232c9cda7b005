using Shim.Docker;
using Shim.Model.Core.V1;

namespace Shim.Agent.Pods.Probes;

/// <summary>What a probe or a lifecycle hook acts on: one running container of a pod.</summary>
/// <param name="PodIp">The pod's IP (the node's IP for hostNetwork pods): httpGet/tcpSocket default host.</param>
public sealed record ProbeContext(IDockerClient Docker, string ContainerId, Pod Pod, Container Container, string PodIp);
