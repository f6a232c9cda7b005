using Shim.Agent.Pods.Probes;
using Shim.Docker;
using Shim.Model.Core.V1;

namespace Shim.Agent.Pods;

/// <summary>
/// The probe workers of one running container instance. Liveness and readiness start only once the startup probe
/// (if any) has succeeded, as upstream; every settled change calls back so the pod worker re-syncs, and every failed attempt is reported.
/// </summary>
public sealed class ContainerProbes : IAsyncDisposable
{
    private readonly ProbeContext _context;
    private readonly Func<ProbeKind, ProbeOutcome, Task> _onChange;
    private readonly Action<ProbeKind, ProbeOutcome> _onFailedAttempt;
    private readonly TimeProvider _time;
    private ProbeWorker? _startup;
    private ProbeWorker? _liveness;
    private ProbeWorker? _readiness;

    public ContainerProbes(IDockerClient docker, string containerId, Pod pod, Container container, string podIp, Func<ProbeKind, ProbeOutcome, Task> onChange, Action<ProbeKind, ProbeOutcome> onFailedAttempt, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(container);
        ContainerId = containerId;
        _context = new ProbeContext(docker, containerId, pod, container, podIp);
        _onChange = onChange;
        _onFailedAttempt = onFailedAttempt;
        _time = time;
        if (container.StartupProbe is { } startup)
        {
            _startup = new ProbeWorker(ProbeKind.Startup, startup, _context, onChange, time) { OnFailedAttempt = onFailedAttempt };
            _startup.Start();
        }
        else
        {
            StartAfterStartup();
        }
    }

    public string ContainerId { get; }

    /// <summary>False until the startup probe succeeded (true without a startup probe).</summary>
    public bool Started => _startup is null || _startup.Healthy == true;

    /// <summary>Readiness: false before startup and until the readiness probe succeeds; without a readiness probe, Started.</summary>
    public bool Ready => Started && (_context.Container.ReadinessProbe is null || _readiness?.Healthy == true);

    /// <summary>The liveness or startup probe failed: the container must be killed and restarted per policy.</summary>
    public ProbeKind? FailedKind =>
        _startup?.Healthy == false ? ProbeKind.Startup : _liveness?.Healthy == false ? ProbeKind.Liveness : null;

    /// <summary>Starts liveness and readiness once startup has succeeded; called on each sync.</summary>
    public void Advance()
    {
        if (_liveness is null && _readiness is null && _startup is not null && Started)
        {
            StartAfterStartup();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in new[] { _startup, _liveness, _readiness })
        {
            if (worker is not null)
            {
                await worker.DisposeAsync().ConfigureAwait(false);
            }
        }

        _startup = _liveness = _readiness = null;
    }

    private void StartAfterStartup()
    {
        if (_context.Container.LivenessProbe is { } liveness)
        {
            _liveness = new ProbeWorker(ProbeKind.Liveness, liveness, _context, _onChange, _time) { OnFailedAttempt = _onFailedAttempt };
            _liveness.Start();
        }

        if (_context.Container.ReadinessProbe is { } readiness)
        {
            _readiness = new ProbeWorker(ProbeKind.Readiness, readiness, _context, _onChange, _time) { OnFailedAttempt = _onFailedAttempt };
            _readiness.Start();
        }
    }
}
