using Microsoft.Extensions.Logging;

namespace Shim.Agent.Pods.Probes;

internal static partial class ProbeWorkerLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} probe of container {ContainerId}: the change handler failed; probing goes on")]
    public static partial void ChangeHandlerFailed(ILogger logger, ProbeKind kind, string containerId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} probe of container {ContainerId} threw; counted as a failed attempt")]
    public static partial void ProbeThrew(ILogger logger, ProbeKind kind, string containerId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Kind} probe worker of container {ContainerId} stopped unexpectedly")]
    public static partial void WorkerCrashed(ILogger logger, ProbeKind kind, string containerId, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Kind} probe of container {ContainerId} is now {Healthy}: {Message}")]
    public static partial void ResultChanged(ILogger logger, ProbeKind kind, string containerId, bool healthy, string message);
}
