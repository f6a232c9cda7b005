using System.Diagnostics;
using Shim.Agent.Pods;

namespace Shim.Agent.Tests.Pods;

[Collection(DockerPodsCollection.Name)]
public sealed class PodControlDockerTests(DockerPodsFixture fixture)
{
    private const string Sleeper = """{"containers":[{"name":"app","image":"shim/busybox:1.35","command":["sleep","3600"]}]}""";

    [Fact]
    public async Task FailingLivenessProbeRestartsTheContainer()
    {
        await using var harness = new PodRuntimeHarness(fixture);
        var manager = await harness.StartManagerAsync();
        var pod = PodJson.Create("live", """
            {"containers":[{"name":"app","image":"shim/busybox:1.35","command":["sleep","3600"],
              "livenessProbe":{"exec":{"command":["test","-f","/alive"]},"periodSeconds":1,"failureThreshold":1}}]}
            """);
        var uid = pod.Metadata!.Uid!;
        manager.Upsert(pod);
        await harness.WaitForStatusAsync(pod, s => s.ContainerStatuses![0].RestartCount >= 1, TimeSpan.FromSeconds(60));
        Assert.Contains("Container app failed liveness probe, will be restarted", harness.Events.Messages(uid, "Killing"));
        Assert.Contains(harness.Events.Messages(uid, "Unhealthy"), m => m.StartsWith("Liveness probe failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadinessGoesFromFalseToTrue()
    {
        await using var harness = new PodRuntimeHarness(fixture);
        var manager = await harness.StartManagerAsync();
        var pod = PodJson.Create("ready", """
            {"containers":[{"name":"app","image":"shim/busybox:1.35","command":["sh","-c","sleep 2; mkdir -p /r; touch /r/ok; sleep 3600"],
              "readinessProbe":{"exec":{"command":["test","-f","/r/ok"]},"periodSeconds":1}}]}
            """);
        manager.Upsert(pod);
        var notReady = await harness.WaitForStatusAsync(pod, s => s.Phase == "Running");
        Assert.False(notReady.ContainerStatuses![0].Ready);
        Assert.Equal("containers with unready status: [app]", notReady.Conditions!.Single(c => c.Type == "Ready").Message);
        var ready = await harness.WaitForStatusAsync(pod, s => s.ContainerStatuses![0].Ready == true);
        Assert.Equal("True", ready.Conditions!.Single(c => c.Type == "ContainersReady").Status);
        Assert.Equal("True", ready.Conditions!.Single(c => c.Type == "Ready").Status);
    }

    [Fact]
    public async Task GracefulDeletionSendsSigtermAndKillsAfterTheGracePeriod()
    {
        await using var harness = new PodRuntimeHarness(fixture);
        var manager = await harness.StartManagerAsync();
        var polite = PodJson.Create("polite", """
            {"containers":[{"name":"app","image":"shim/busybox:1.35","command":["sh","-c","trap 'echo got-term > /dev/termination-log; exit 0' TERM; while true; do sleep 0.2; done"]}]}
            """);
        var stubborn = PodJson.Create("stubborn", """
            {"containers":[{"name":"app","image":"shim/busybox:1.35","command":["sh","-c","trap '' TERM; while true; do sleep 0.2; done"]}]}
            """);
        manager.Upsert(polite);
        manager.Upsert(stubborn);
        await harness.WaitForStatusAsync(polite, s => s.Phase == "Running");
        await harness.WaitForStatusAsync(stubborn, s => s.Phase == "Running");

        var watch = Stopwatch.StartNew();
        manager.Upsert(Deleting(polite, 30));
        manager.Upsert(Deleting(stubborn, 2));
        await harness.WaitUntilAsync(() => Task.FromResult(harness.Status.FinishedDeletions.ContainsKey(polite.Metadata!.Uid!)), "polite deletion");
        var politeStatus = harness.Status.Latest(polite.Metadata!.Uid!)!;
        Assert.Equal(0, politeStatus.ContainerStatuses![0].State!.Terminated!.ExitCode);
        Assert.Equal("got-term\n", politeStatus.ContainerStatuses[0].State!.Terminated!.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "SIGTERM ended the polite container long before its grace period");
        Assert.Contains("Stopping container app", harness.Events.Messages(polite.Metadata.Uid!, "Killing"));

        await harness.WaitUntilAsync(() => Task.FromResult(harness.Status.FinishedDeletions.ContainsKey(stubborn.Metadata!.Uid!)), "stubborn deletion");
        var stubbornStatus = harness.Status.Latest(stubborn.Metadata!.Uid!)!;
        Assert.Equal(137, stubbornStatus.ContainerStatuses![0].State!.Terminated!.ExitCode);
        Assert.Equal("Failed", stubbornStatus.Phase);

        // The API object is gone: everything is removed.
        manager.Remove(polite.Metadata.Uid!);
        await harness.WaitUntilAsync(async () => (await harness.ContainersAsync(polite)).Count == 0, "polite containers removed");
    }

    [Fact]
    public async Task ActiveDeadlineFailsThePod()
    {
        await using var harness = new PodRuntimeHarness(fixture);
        var manager = await harness.StartManagerAsync();
        var pod = PodJson.Create("deadline", """{"activeDeadlineSeconds":2,"terminationGracePeriodSeconds":1,"containers":[{"name":"app","image":"shim/busybox:1.35","command":["sleep","3600"]}]}""");
        manager.Upsert(pod);
        var status = await harness.WaitForStatusAsync(pod, s => s.Phase == "Failed");
        Assert.Equal("DeadlineExceeded", status.Reason);
        await harness.WaitUntilAsync(async () => (await harness.ContainersAsync(pod)).All(c => c["State"]!["Running"]!.GetValue<bool>() == false), "containers stopped");
    }

    [Fact]
    public async Task ANewManagerAdoptsRunningContainersWithoutDuplicates()
    {
        await using var harness = new PodRuntimeHarness(fixture);
        var first = await harness.StartManagerAsync();
        var pod = PodJson.Create("adopt", Sleeper);
        first.Upsert(pod);
        await harness.WaitForStatusAsync(pod, s => s.Phase == "Running");
        var before = (await harness.ContainersAsync(pod)).Select(c => c["Id"]!.GetValue<string>()).Order().ToList();
        await first.DisposeAsync();

        var second = await harness.StartManagerAsync();
        second.Upsert(PodJson.Copy(pod));
        var writes = harness.Status.History(pod.Metadata!.Uid!).Count;
        await harness.WaitUntilAsync(() => Task.FromResult(harness.Status.History(pod.Metadata.Uid!).Count >= writes + 3), "a few syncs of the new manager");
        var after = (await harness.ContainersAsync(pod)).Select(c => c["Id"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(before, after);
        var status = harness.Status.Latest(pod.Metadata.Uid!)!;
        Assert.Equal("Running", status.Phase);
        Assert.Equal(0, status.ContainerStatuses![0].RestartCount);
    }

    [Fact]
    public async Task ConvergeRemovesOnlyUndesiredPodsAndOnlyOnItsOwnNode()
    {
        await using var harnessA = new PodRuntimeHarness(fixture);
        await using var harnessB = new PodRuntimeHarness(fixture);
        var managerA = await harnessA.StartManagerAsync();
        var managerB = await harnessB.StartManagerAsync();
        var keep = PodJson.Create("keep", Sleeper);
        var drop = PodJson.Create("drop", Sleeper);
        var other = PodJson.Create("other", Sleeper);
        managerA.Upsert(keep);
        managerA.Upsert(drop);
        managerB.Upsert(other);
        await harnessA.WaitForStatusAsync(keep, s => s.Phase == "Running");
        await harnessA.WaitForStatusAsync(drop, s => s.Phase == "Running");
        await harnessB.WaitForStatusAsync(other, s => s.Phase == "Running");

        await managerA.ConvergeAsync([keep], CancellationToken.None);
        Assert.Empty(await harnessA.ContainersAsync(drop));
        Assert.Equal(2, (await harnessA.ContainersAsync(keep)).Count);
        var others = await harnessB.ContainersAsync(other);
        Assert.Equal(2, others.Count);
        Assert.All(others, c => Assert.True(c["State"]!["Running"]!.GetValue<bool>()));

        // A manager that knows no pods at all still leaves the other node alone.
        await managerA.ConvergeAsync([], CancellationToken.None);
        Assert.Equal(2, (await harnessB.ContainersAsync(other)).Count);
    }

    private static Shim.Model.Core.V1.Pod Deleting(Shim.Model.Core.V1.Pod pod, long grace)
    {
        var copy = PodJson.Copy(pod);
        copy.Metadata!.DeletionTimestamp = DateTimeOffset.UtcNow;
        copy.Metadata.DeletionGracePeriodSeconds = grace;
        return copy;
    }
}
