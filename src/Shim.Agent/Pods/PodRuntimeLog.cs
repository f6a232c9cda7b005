using Microsoft.Extensions.Logging;

namespace Shim.Agent.Pods;

/// <summary>The pod runtime's log messages.</summary>
internal static partial class PodRuntimeLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Adopted {Count} containers of {Pods} pods on node {Node}")]
    public static partial void Adopted(this ILogger logger, int count, int pods, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync of pod {Pod} failed")]
    public static partial void SyncFailed(this ILogger logger, string pod, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created sandbox {Sandbox} for pod {Pod} (ip {Ip})")]
    public static partial void SandboxCreated(this ILogger logger, string sandbox, string pod, string ip);

    [LoggerMessage(Level = LogLevel.Information, Message = "Started container {Container} of pod {Pod}")]
    public static partial void ContainerStarted(this ILogger logger, string container, string pod);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removing containers of pod {Uid}")]
    public static partial void RemovingPod(this ILogger logger, string uid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cleaning up pod {Uid} failed")]
    public static partial void CleanupFailed(this ILogger logger, string uid, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Docker event stream ended; reconnecting")]
    public static partial void EventsBroken(this ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing the status of pod {Pod} failed")]
    public static partial void StatusWriteFailed(this ILogger logger, string pod, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Probe handling for container {Container} of pod {Pod} failed")]
    public static partial void ProbeFailed(this ILogger logger, string container, string pod, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Docker call for pod {Pod} failed: {Message}")]
    public static partial void DockerCallFailed(this ILogger logger, string pod, string message);
}
