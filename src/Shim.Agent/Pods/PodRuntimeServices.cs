using Microsoft.Extensions.Logging;
using Shim.Agent.Pods.Inputs;
using Shim.Docker;

namespace Shim.Agent.Pods;

/// <summary>What every pod worker of a <see cref="PodManager"/> shares.</summary>
internal sealed record PodRuntimeServices(
    IDockerClient Docker,
    IClusterReader Cluster,
    IPodStatusWriter Status,
    IEventRecorder Events,
    PodVolumes Volumes,
    PodRuntimeOptions Options,
    ILogger Logger,
    TimeProvider Time);
