using Shim.Model.Core.V1;

namespace Shim.Agent.Pods.Probes;

/// <summary>Runs one probe attempt or one lifecycle hook: exec (docker exec), httpGet, tcpSocket, grpc, sleep.</summary>
public static class ProbeRunner
{
    /// <summary>One attempt of <paramref name="probe"/> bounded by its timeoutSeconds.</summary>
    public static Task<ProbeOutcome> ProbeAsync(Probe probe, ProbeContext context, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>A postStart/preStop handler; failure messages as upstream's FailedPostStartHook/FailedPreStopHook events.</summary>
    public static Task<ProbeOutcome> RunHookAsync(LifecycleHandler handler, ProbeContext context, CancellationToken cancellationToken) =>
        throw new NotImplementedException();
}
