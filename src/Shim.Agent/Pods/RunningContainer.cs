namespace Shim.Agent.Pods;

/// <summary>A pod's container as logs/exec/attach/port-forward need it.</summary>
/// <param name="ContainerId">The Docker container id.</param>
/// <param name="PodIp">The pod's IP (the node's for hostNetwork pods), or null when the sandbox has none.</param>
public sealed record RunningContainer(string ContainerId, string ContainerName, bool Running, bool Tty, bool Stdin, bool StdinOnce, string? PodIp);
