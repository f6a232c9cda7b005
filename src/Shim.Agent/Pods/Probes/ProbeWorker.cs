namespace Shim.Agent.Pods.Probes;

/// <summary>
/// Runs one probe of one container instance on its schedule (initialDelaySeconds, periodSeconds, timeoutSeconds,
/// successThreshold, failureThreshold) until disposed, and reports each change of its settled result.
/// </summary>
public sealed class ProbeWorker : IAsyncDisposable
{
    /// <param name="onChange">Called when the settled result flips (after the thresholds), with the last outcome.</param>
    public ProbeWorker(ProbeKind kind, Shim.Model.Core.V1.Probe probe, ProbeContext context, Func<ProbeKind, ProbeOutcome, Task> onChange, TimeProvider time)
    {
        Kind = kind;
        Probe = probe;
        Context = context;
        OnChange = onChange;
        Time = time;
    }

    public ProbeKind Kind { get; }

    public Shim.Model.Core.V1.Probe Probe { get; }

    public ProbeContext Context { get; }

    public Func<ProbeKind, ProbeOutcome, Task> OnChange { get; }

    public TimeProvider Time { get; }

    /// <summary>The settled result: null until the first threshold is reached (readiness starts false, liveness/startup start unknown).</summary>
    public bool? Healthy => throw new NotImplementedException();

    public void Start() => throw new NotImplementedException();

    public ValueTask DisposeAsync() => throw new NotImplementedException();
}
