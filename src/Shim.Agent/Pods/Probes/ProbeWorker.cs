using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Shim.Agent.Pods.Probes;

/// <summary>
/// Runs one probe of one container instance on its schedule (initialDelaySeconds, periodSeconds, timeoutSeconds,
/// successThreshold, failureThreshold) until disposed, and reports each change of its settled result.
/// </summary>
/// <remarks>
/// As in the kubelet: the first attempt comes initialDelaySeconds after <see cref="Start"/> (call it when the container
/// starts), then one every periodSeconds (start to start; an attempt that overruns the period delays the next, none
/// pile up). A liveness or startup worker stops probing once its result has turned false (the container is to be
/// restarted, and a new container gets a new worker); a startup worker also stops once it has succeeded. Gating
/// liveness/readiness on startup success is the caller's job: start those workers when startup reports true.
/// <see cref="Shim.Model.Core.V1.Probe.TerminationGracePeriodSeconds"/> is not used here; it is for the caller that
/// kills the container after a liveness/startup failure.
/// </remarks>
public sealed class ProbeWorker : IAsyncDisposable
{
    public const int DefaultPeriodSeconds = 10;
    public const int DefaultSuccessThreshold = 1;
    public const int DefaultFailureThreshold = 3;

    private const int Unknown = -1;

    // Set while this worker awaits onChange, so a DisposeAsync from inside the handler does not wait for itself.
    private static readonly AsyncLocal<ProbeWorker?> NotifyingWorker = new();

    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger;
    private Task? _loop;
    private int _started;
    private int _disposed;
    private int _healthy;
    private int _probesRun;
    private ProbeOutcome? _lastOutcome;
    private bool? _lastResult;
    private int _resultRun;

    /// <param name="onChange">Called when the settled result flips (after the thresholds), with the last outcome.</param>
    public ProbeWorker(ProbeKind kind, Shim.Model.Core.V1.Probe probe, ProbeContext context, Func<ProbeKind, ProbeOutcome, Task> onChange, TimeProvider time)
        : this(kind, probe, context, onChange, time, NullLogger.Instance)
    {
    }

    /// <param name="onChange">Called when the settled result flips (after the thresholds), with the last outcome.</param>
    /// <param name="logger">Where failures of <paramref name="onChange"/> are reported.</param>
    public ProbeWorker(
        ProbeKind kind, Shim.Model.Core.V1.Probe probe, ProbeContext context, Func<ProbeKind, ProbeOutcome, Task> onChange, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(onChange);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        Kind = kind;
        Probe = probe;
        Context = context;
        OnChange = onChange;
        Time = time;
        _logger = logger;

        // Readiness is false until proven; liveness and startup are unknown, which counts as fine.
        _healthy = kind == ProbeKind.Readiness ? 0 : Unknown;
    }

    public ProbeKind Kind { get; }

    public Shim.Model.Core.V1.Probe Probe { get; }

    public ProbeContext Context { get; }

    public Func<ProbeKind, ProbeOutcome, Task> OnChange { get; }

    /// <summary>Called after every failed attempt (the kubelet records an Unhealthy event for each).</summary>
    public Action<ProbeKind, ProbeOutcome>? OnFailedAttempt { get; init; }

    public TimeProvider Time { get; }

    /// <summary>The settled result: null until the first threshold is reached (readiness starts false, liveness/startup start unknown).</summary>
    public bool? Healthy => Volatile.Read(ref _healthy) switch
    {
        Unknown => null,
        0 => false,
        _ => true,
    };

    /// <summary>How many attempts have completed (each counted after its result, and any onChange, was applied).</summary>
    public int ProbesRun => Volatile.Read(ref _probesRun);

    /// <summary>The outcome of the latest attempt, null before the first.</summary>
    public ProbeOutcome? LastOutcome => Volatile.Read(ref _lastOutcome);

    private TimeSpan Period => TimeSpan.FromSeconds(Probe.PeriodSeconds is > 0 and var seconds ? seconds : DefaultPeriodSeconds);

    private int SuccessThreshold => Probe.SuccessThreshold is > 0 and var threshold ? threshold : DefaultSuccessThreshold;

    private int FailureThreshold => Probe.FailureThreshold is > 0 and var threshold ? threshold : DefaultFailureThreshold;

    /// <summary>Starts probing; the first attempt comes after initialDelaySeconds. A second call does nothing.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            var stopping = _stopping.Token;
            _loop = Task.Run(() => RunAsync(stopping), CancellationToken.None);
        }
    }

    /// <summary>Stops probing: cancels an attempt in flight and waits for the loop to end (unless called from onChange).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not { } loop)
        {
            _stopping.Dispose();
            return;
        }

        if (NotifyingWorker.Value == this)
        {
            // Disposed from inside onChange: the loop ends as soon as the handler returns.
            _ = loop.ContinueWith(_ => _stopping.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            return;
        }

        await loop.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            var initialDelay = TimeSpan.FromSeconds(Math.Max(0, Probe.InitialDelaySeconds ?? 0));
            if (initialDelay > TimeSpan.Zero)
            {
                await Task.Delay(initialDelay, Time, stopping).ConfigureAwait(false);
            }

            using var ticker = new PeriodicTimer(Period, Time);
            do
            {
                if (!await ProbeOnceAsync(stopping).ConfigureAwait(false))
                {
                    return;
                }
            }
            while (await ticker.WaitForNextTickAsync(stopping).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Disposed.
        }
        catch (Exception error)
        {
            ProbeWorkerLog.WorkerCrashed(_logger, Kind, Context.ContainerId, error);
            throw;
        }
    }

    /// <summary>One attempt and its bookkeeping; false when this worker has nothing more to probe.</summary>
    private async Task<bool> ProbeOnceAsync(CancellationToken stopping)
    {
        ProbeOutcome outcome;
        try
        {
            outcome = await ProbeRunner.ProbeAsync(Probe, Context, stopping).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            ProbeWorkerLog.ProbeThrew(_logger, Kind, Context.ContainerId, error);
            outcome = new ProbeOutcome(false, error.Message);
        }

        Volatile.Write(ref _lastOutcome, outcome);
        if (!outcome.Success)
        {
            OnFailedAttempt?.Invoke(Kind, outcome);
        }

        if (_lastResult == outcome.Success)
        {
            _resultRun++;
        }
        else
        {
            _lastResult = outcome.Success;
            _resultRun = 1;
        }

        var settled = _resultRun >= (outcome.Success ? SuccessThreshold : FailureThreshold);
        if (settled && Healthy != outcome.Success)
        {
            Volatile.Write(ref _healthy, outcome.Success ? 1 : 0);
            ProbeWorkerLog.ResultChanged(_logger, Kind, Context.ContainerId, outcome.Success, outcome.Message);
            await NotifyAsync(outcome).ConfigureAwait(false);
        }

        Interlocked.Increment(ref _probesRun);
        return !settled || Kind switch
        {
            ProbeKind.Readiness => true,
            ProbeKind.Startup => false,
            _ => outcome.Success,
        };
    }

    private async Task NotifyAsync(ProbeOutcome outcome)
    {
        NotifyingWorker.Value = this;
        try
        {
            await OnChange(Kind, outcome).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            // The handler's trouble must not end probing.
            ProbeWorkerLog.ChangeHandlerFailed(_logger, Kind, Context.ContainerId, error);
        }
    }
}
