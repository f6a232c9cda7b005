namespace Shim.Agent.Pods;

/// <summary>Why a container is not running right now (ContainerCreating, ErrImagePull, CrashLoopBackOff, ...).</summary>
public sealed record ContainerWaiting(string Reason, string? Message = null);
