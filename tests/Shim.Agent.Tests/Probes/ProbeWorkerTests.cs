using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Shim.Agent.Pods.Probes;
using Shim.Model.Core.V1;

namespace Shim.Agent.Tests.Probes;

/// <summary>
/// Thresholds and flips of <see cref="ProbeWorker"/> against a real HTTP endpoint whose status the test switches,
/// on a manual clock: each step advances by one period and waits for that attempt to be counted.
/// </summary>
public sealed class ProbeWorkerTests : IAsyncLifetime
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(10);
    private readonly ManualTimeProvider _clock = new();
    private readonly ConcurrentQueue<(ProbeKind Kind, ProbeOutcome Outcome)> _changes = new();
    private LoopbackHttpServer _server = null!;
    private volatile int _status = 200;

    public async Task InitializeAsync()
    {
        _server = await LoopbackHttpServer.StartAsync();
        _server.Handler = context =>
        {
            context.Response.StatusCode = _status;
            return Task.CompletedTask;
        };
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ReadinessStartsFalseAndTurnsTrueAfterSuccessThreshold()
    {
        await using var worker = Worker(ProbeKind.Readiness, successThreshold: 2);
        Assert.False(worker.Healthy);

        worker.Start();
        await ProbeCountReachesAsync(worker, 1);
        Assert.False(worker.Healthy);
        Assert.Empty(_changes);

        await NextPeriodAsync(worker, 2);
        Assert.True(worker.Healthy);
        Assert.Equal([(ProbeKind.Readiness, new ProbeOutcome(true, ""))], _changes);
    }

    [Fact]
    public async Task ReadinessTurnsFalseOnlyAtFailureThresholdAndRecovers()
    {
        await using var worker = Worker(ProbeKind.Readiness, failureThreshold: 3);
        worker.Start();
        await ProbeCountReachesAsync(worker, 1);
        Assert.True(worker.Healthy);

        _status = 503;
        await NextPeriodAsync(worker, 2);
        await NextPeriodAsync(worker, 3);
        Assert.True(worker.Healthy);

        await NextPeriodAsync(worker, 4);
        Assert.False(worker.Healthy);

        _status = 200;
        await NextPeriodAsync(worker, 5);
        Assert.True(worker.Healthy);
        Assert.Equal(
            [
                (ProbeKind.Readiness, new ProbeOutcome(true, "")),
                (ProbeKind.Readiness, new ProbeOutcome(false, "HTTP probe failed with statuscode: 503")),
                (ProbeKind.Readiness, new ProbeOutcome(true, "")),
            ],
            _changes);
    }

    [Fact]
    public async Task FailuresThatAreNotConsecutiveDoNotFlip()
    {
        await using var worker = Worker(ProbeKind.Readiness, failureThreshold: 2);
        worker.Start();
        await ProbeCountReachesAsync(worker, 1);

        foreach (var (status, count) in new[] { (500, 2), (200, 3), (500, 4), (200, 5) })
        {
            _status = status;
            await NextPeriodAsync(worker, count);
            Assert.True(worker.Healthy);
        }

        Assert.Single(_changes);
    }

    [Fact]
    public async Task LivenessIsUnknownUntilFirstResultAndStopsProbingAfterFailing()
    {
        _status = 500;
        await using var worker = Worker(ProbeKind.Liveness, failureThreshold: 2);
        Assert.Null(worker.Healthy);

        worker.Start();
        await ProbeCountReachesAsync(worker, 1);
        Assert.Null(worker.Healthy);

        await NextPeriodAsync(worker, 2);
        Assert.False(worker.Healthy);
        Assert.Equal([(ProbeKind.Liveness, new ProbeOutcome(false, "HTTP probe failed with statuscode: 500"))], _changes);

        // The container is to be restarted; like the kubelet, the worker holds instead of probing on.
        _clock.Advance(Period * 3);
        await Task.Yield();
        Assert.Equal(2, worker.ProbesRun);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task StartupReportsSuccessOnceAndStops()
    {
        _status = 500;
        await using var worker = Worker(ProbeKind.Startup, failureThreshold: 30);
        worker.Start();
        await ProbeCountReachesAsync(worker, 1);
        Assert.Null(worker.Healthy);

        _status = 200;
        await NextPeriodAsync(worker, 2);
        Assert.True(worker.Healthy);
        Assert.Equal([(ProbeKind.Startup, new ProbeOutcome(true, ""))], _changes);
        Assert.Equal(0, _clock.ScheduledTimers);
    }

    [Fact]
    public async Task FirstAttemptWaitsForInitialDelay()
    {
        await using var worker = Worker(ProbeKind.Readiness, initialDelaySeconds: 30);
        worker.Start();
        await EventuallyAsync(() => _clock.ScheduledTimers == 1);

        _clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, worker.ProbesRun);
        Assert.Empty(_server.Requests);

        _clock.Advance(TimeSpan.FromSeconds(1));
        await ProbeCountReachesAsync(worker, 1);
        Assert.True(worker.Healthy);
    }

    [Fact]
    public async Task FailingChangeHandlerDoesNotStopProbing()
    {
        await using var worker = new ProbeWorker(
            ProbeKind.Readiness, HttpProbe(failureThreshold: 1), ProbeContexts.Loopback(),
            (kind, outcome) =>
            {
                _changes.Enqueue((kind, outcome));
                throw new InvalidOperationException("handler broke");
            },
            _clock);
        worker.Start();
        await ProbeCountReachesAsync(worker, 1);

        _status = 500;
        await NextPeriodAsync(worker, 2);

        Assert.False(worker.Healthy);
        Assert.Equal([true, false], _changes.Select(c => c.Outcome.Success));
    }

    [Fact]
    public async Task DisposeFromInsideTheChangeHandlerDoesNotDeadlock()
    {
        ProbeWorker? worker = null;
        var disposed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        worker = new ProbeWorker(
            ProbeKind.Readiness, HttpProbe(), ProbeContexts.Loopback(),
            async (_, _) =>
            {
                await worker!.DisposeAsync();
                disposed.SetResult();
            },
            _clock);
        worker.Start();

        await disposed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        _clock.Advance(Period * 2);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task DisposeCancelsAnAttemptInFlightPromptly()
    {
        var requestArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Handler = async context =>
        {
            requestArrived.TrySetResult();
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
        };
        var worker = Worker(ProbeKind.Liveness, timeoutSeconds: 60);
        worker.Start();
        await requestArrived.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var stopwatch = Stopwatch.StartNew();
        await worker.DisposeAsync();

        Assert.InRange(stopwatch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        Assert.Empty(_changes);
    }

    [Fact]
    public async Task RunsOnTheRealClockToo()
    {
        // One-second periods are the smallest a probe can ask for; this checks real timers drive the loop.
        await using var worker = new ProbeWorker(
            ProbeKind.Liveness,
            new Probe { TcpSocket = new TCPSocketAction { Port = HttpGetProbeTests.ClosedPort() }, PeriodSeconds = 1, FailureThreshold = 2, TimeoutSeconds = HttpGetProbeTests.GenerousTimeoutSeconds },
            ProbeContexts.Loopback(),
            (kind, outcome) =>
            {
                _changes.Enqueue((kind, outcome));
                return Task.CompletedTask;
            },
            TimeProvider.System);
        worker.Start();

        await EventuallyAsync(() => worker.Healthy == false);
        Assert.Equal(2, worker.ProbesRun);
        Assert.Contains("connection refused", _changes.Single().Outcome.Message, StringComparison.Ordinal);
    }

    private Probe HttpProbe(int? successThreshold = null, int? failureThreshold = null, int? initialDelaySeconds = null, int? timeoutSeconds = null) => new()
    {
        HttpGet = HttpGetProbeTests.HttpGet("/healthz", _server.Port),
        PeriodSeconds = (int)Period.TotalSeconds,
        SuccessThreshold = successThreshold,
        FailureThreshold = failureThreshold,
        InitialDelaySeconds = initialDelaySeconds,
        TimeoutSeconds = timeoutSeconds ?? HttpGetProbeTests.GenerousTimeoutSeconds,
    };

    private static async Task EventuallyAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(15), "condition not met within 15 s");
            await Task.Delay(5);
        }
    }

    private static Task ProbeCountReachesAsync(ProbeWorker worker, int count) => EventuallyAsync(() => worker.ProbesRun >= count);

    private ProbeWorker Worker(ProbeKind kind, int? successThreshold = null, int? failureThreshold = null, int? initialDelaySeconds = null, int? timeoutSeconds = null)
    {
        var probe = HttpProbe(successThreshold, failureThreshold, initialDelaySeconds, timeoutSeconds);
        return new ProbeWorker(
            kind, probe, ProbeContexts.Loopback(),
            (changedKind, outcome) =>
            {
                _changes.Enqueue((changedKind, outcome));
                return Task.CompletedTask;
            },
            _clock);
    }

    private async Task NextPeriodAsync(ProbeWorker worker, int expectedCount)
    {
        Assert.Equal(expectedCount - 1, worker.ProbesRun);
        _clock.Advance(Period);
        await ProbeCountReachesAsync(worker, expectedCount);
        Assert.Equal(expectedCount, worker.ProbesRun);
    }
}
