using System.Diagnostics;
using Shim.Agent.Pods.Probes;
using Shim.Model.Core.V1;

namespace Shim.Agent.Tests.Probes;

/// <summary>Exec probes and exec hooks through docker exec on the real dockerd.</summary>
public sealed class ExecProbeTests(SleepingContainerFixture container) : IClassFixture<SleepingContainerFixture>
{
    [Fact]
    public async Task ExitZeroSucceedsWithTheOutput()
    {
        var outcome = await ProbeAsync("echo ready; exit 0");

        Assert.Equal(new ProbeOutcome(true, "ready\n"), outcome);
    }

    [Fact]
    public async Task NonZeroExitFailsWithStdoutThenStderr()
    {
        var outcome = await ProbeAsync("echo out; echo err >&2; exit 1");

        Assert.Equal(new ProbeOutcome(false, "out\nerr\n"), outcome);
    }

    [Fact]
    public async Task CommandOutlivingTimeoutSecondsFailsAsTimedOut()
    {
        var stopwatch = Stopwatch.StartNew();

        var outcome = await ProbeAsync("sleep 5", timeoutSeconds: 1);

        Assert.Equal(new ProbeOutcome(false, "command \"sh -c sleep 5\" timed out"), outcome);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task OutputIsCappedAt10KiB()
    {
        var outcome = await ProbeAsync("head -c 50000 /dev/zero | tr '\\0' x");

        Assert.True(outcome.Success);
        Assert.Equal(10 * 1024, outcome.Message.Length);
    }

    [Fact]
    public async Task MissingExecutableFails()
    {
        var outcome = await ProbeRunner.ProbeAsync(
            new Probe { Exec = new ExecAction { Command = ["/no/such/binary"] }, TimeoutSeconds = HttpGetProbeTests.GenerousTimeoutSeconds }, Context(), CancellationToken.None);

        Assert.False(outcome.Success);
    }

    [Fact]
    public async Task ContainerThatDoesNotExistFails()
    {
        var outcome = await ProbeRunner.ProbeAsync(
            new Probe { Exec = new ExecAction { Command = ["true"] }, TimeoutSeconds = HttpGetProbeTests.GenerousTimeoutSeconds },
            ProbeContexts.For(container.Docker, "shim-probes-test-no-such-container"),
            CancellationToken.None);

        Assert.False(outcome.Success);
        Assert.NotEmpty(outcome.Message);
    }

    [Fact]
    public async Task ExecHookSucceeds()
    {
        var outcome = await ProbeRunner.RunHookAsync(
            new LifecycleHandler { Exec = new ExecAction { Command = ["sh", "-c", "touch /hooked"] } }, Context(), CancellationToken.None);

        Assert.Equal(new ProbeOutcome(true, ""), outcome);
        Assert.True((await ProbeAsync("test -f /hooked")).Success);
    }

    [Fact]
    public async Task FailingExecHookIsReportedLikeTheKubelet()
    {
        var outcome = await ProbeRunner.RunHookAsync(
            new LifecycleHandler { Exec = new ExecAction { Command = ["sh", "-c", "echo bye; echo oops >&2; exit 3"] } }, Context(), CancellationToken.None);

        Assert.Equal(
            new ProbeOutcome(
                false,
                "Exec lifecycle hook ([sh -c echo bye; echo oops >&2; exit 3]) for Container \"app\" in Pod \"web_probes(0f1e2d3c)\" failed"
                + " - error: command 'sh -c echo bye; echo oops >&2; exit 3' exited with 3: oops\n, message: \"bye\\noops\\n\""),
            outcome);
    }

    [Fact]
    public async Task ExecProbeDrivesAWorker()
    {
        var changes = new TaskCompletionSource<ProbeOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var worker = new ProbeWorker(
            ProbeKind.Readiness,
            new Probe { Exec = new ExecAction { Command = ["sh", "-c", "exit 0"] }, TimeoutSeconds = HttpGetProbeTests.GenerousTimeoutSeconds },
            Context(),
            (_, outcome) =>
            {
                changes.TrySetResult(outcome);
                return Task.CompletedTask;
            },
            TimeProvider.System);
        worker.Start();

        Assert.Equal(new ProbeOutcome(true, ""), await changes.Task.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.True(worker.Healthy);
    }

    private ProbeContext Context() => ProbeContexts.For(container.Docker, container.ContainerId);

    private Task<ProbeOutcome> ProbeAsync(string script, int? timeoutSeconds = null) => ProbeRunner.ProbeAsync(
        new Probe { Exec = new ExecAction { Command = ["sh", "-c", script] }, TimeoutSeconds = timeoutSeconds ?? HttpGetProbeTests.GenerousTimeoutSeconds }, Context(), CancellationToken.None);
}
