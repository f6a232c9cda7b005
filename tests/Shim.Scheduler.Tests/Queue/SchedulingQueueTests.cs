using Shim.Testing;
using Shim.Model.Core.V1;
using Shim.Scheduler.Queue;
using Shim.Scheduler.Tests.Support;

namespace Shim.Scheduler.Tests.Queue;

public class SchedulingQueueTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly ManualTimeProvider _clock = new();

    private static Pod Pending(string name, int priority = 0, string created = "2025-01-01T00:00:00Z", string extraSpec = "") => Manifests.Pod($"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {name}
          namespace: default
          creationTimestamp: "{created}"
        spec:
          priority: {priority}
          containers: [{"{"}name: app, image: app{"}"}]
        {extraSpec}
        """);

    private static async Task<string> PopName(SchedulingQueue queue) =>
        (await queue.PopAsync(CancellationToken.None).WaitAsync(Patience)).Metadata!.Name!;

    private static void AssertNothingToPop(SchedulingQueue queue) => Assert.Equal(0, queue.ActiveCount);

    [Fact]
    public async Task PopsByPriorityThenByAge()
    {
        var queue = new SchedulingQueue(_clock);
        queue.Add(Pending("young", created: "2025-01-01T00:05:00Z"));
        queue.Add(Pending("old", created: "2025-01-01T00:01:00Z"));
        queue.Add(Pending("critical", priority: 2000000000, created: "2025-01-01T00:09:00Z"));

        Assert.Equal("critical", await PopName(queue));
        Assert.Equal("old", await PopName(queue));
        Assert.Equal("young", await PopName(queue));
    }

    [Fact]
    public async Task PopWaitsForAPodToArrive()
    {
        var queue = new SchedulingQueue(_clock);
        var pop = queue.PopAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(pop.IsCompleted);

        queue.Add(Pending("web"));

        Assert.Equal("web", (await pop.WaitAsync(Patience)).Metadata!.Name);
    }

    [Fact]
    public async Task PopCanBeCancelled()
    {
        var queue = new SchedulingQueue(_clock);
        using var cancel = new CancellationTokenSource();
        var pop = queue.PopAsync(cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pop.WaitAsync(Patience));
    }

    [Fact]
    public async Task AnUnschedulablePodWaitsForAClusterEventAndItsBackoff()
    {
        var queue = new SchedulingQueue(_clock);
        queue.Add(Pending("web"));
        var pod = await queue.PopAsync(CancellationToken.None);

        queue.AddUnschedulable(pod);
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, queue.UnschedulableCount);
        AssertNothingToPop(queue);

        queue.OnClusterEvent(ClusterEventKind.NodeAdded);
        Assert.Equal(1, queue.ActiveCount); // its 1 s backoff is long over
        Assert.Equal("web", await PopName(queue));
    }

    [Fact]
    public async Task BackoffDoublesFromOneSecondUpToTen()
    {
        var queue = new SchedulingQueue(_clock);
        queue.Add(Pending("web"));
        var expected = new[] { 1, 2, 4, 8, 10, 10 };
        foreach (var seconds in expected)
        {
            var pod = await queue.PopAsync(CancellationToken.None).WaitAsync(Patience);
            queue.AddForRetry(pod);
            Assert.Equal(1, queue.BackoffCount);
            _clock.Advance(TimeSpan.FromSeconds(seconds) - TimeSpan.FromMilliseconds(1));
            Assert.Equal(1, queue.BackoffCount);
            _clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(1, queue.ActiveCount);
        }
    }

    [Fact]
    public async Task AClusterEventDuringBackoffStillWaitsForTheBackoff()
    {
        var queue = new SchedulingQueue(_clock);
        queue.Add(Pending("web"));
        queue.AddUnschedulable(await queue.PopAsync(CancellationToken.None));

        queue.OnClusterEvent(ClusterEventKind.AssignedPodDeleted);
        Assert.Equal(1, queue.BackoffCount);

        var pop = queue.PopAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(pop.IsCompleted);
        _clock.Advance(TimeSpan.FromSeconds(1)); // the waiting pop wakes on the clock, not on polling
        Assert.Equal("web", (await pop.WaitAsync(Patience)).Metadata!.Name);
    }

    [Fact]
    public async Task UnschedulablePodsRetryAfterSixtySecondsWithoutEvents()
    {
        var queue = new SchedulingQueue(_clock);
        queue.Add(Pending("web"));
        queue.AddUnschedulable(await queue.PopAsync(CancellationToken.None));
        var pop = queue.PopAsync(CancellationToken.None);

        _clock.Advance(TimeSpan.FromSeconds(59));
        await Task.Delay(50);
        Assert.False(pop.IsCompleted);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("web", (await pop.WaitAsync(Patience)).Metadata!.Name);
    }

    [Fact]
    public async Task AClusterEventDuringTheAttemptSendsTheFailedPodToBackoffNotToTheParkingLot()
    {
        var queue = new SchedulingQueue(_clock);
        queue.Add(Pending("web"));
        var pod = await queue.PopAsync(CancellationToken.None);

        queue.OnClusterEvent(ClusterEventKind.NodeUpdated); // the attempt may have used a stale view
        queue.AddUnschedulable(pod);

        Assert.Equal(0, queue.UnschedulableCount);
        Assert.Equal(1, queue.BackoffCount);
    }

    [Fact]
    public async Task SpecChangesReleaseAParkedPodButStatusUpdatesDoNot()
    {
        var queue = new SchedulingQueue(_clock);
        queue.Add(Pending("web"));
        queue.AddUnschedulable(await queue.PopAsync(CancellationToken.None));
        _clock.Advance(TimeSpan.FromSeconds(2));

        var withCondition = Pending("web");
        withCondition.Status = new PodStatus { Conditions = [new PodCondition { Type = "PodScheduled", Status = "False", Reason = "Unschedulable" }] };
        queue.Update(withCondition);
        Assert.Equal(1, queue.UnschedulableCount);

        queue.Update(Pending("web", extraSpec: "  nodeSelector: {disktype: ssd}"));
        Assert.Equal(0, queue.UnschedulableCount);
        var popped = await queue.PopAsync(CancellationToken.None).WaitAsync(Patience);
        Assert.Equal("ssd", popped.Spec!.NodeSelector!["disktype"]);
    }

    [Fact]
    public async Task DeletedAndBoundPodsLeaveTheQueue()
    {
        var queue = new SchedulingQueue(_clock);
        queue.Add(Pending("in-flight", created: "2025-01-01T00:01:00Z"));
        queue.Add(Pending("bound", created: "2025-01-01T00:02:00Z"));
        queue.Add(Pending("deleted", created: "2025-01-01T00:03:00Z"));
        var inFlight = await queue.PopAsync(CancellationToken.None);
        queue.AddForRetry(await queue.PopAsync(CancellationToken.None)); // "bound" waits in backoff

        queue.Delete(Pending("deleted"));
        queue.Update(Pending("bound", extraSpec: "  nodeName: node-a"));
        queue.Delete(inFlight);
        queue.AddUnschedulable(inFlight); // the attempt's report arrives after the deletion

        Assert.Equal(0, queue.ActiveCount + queue.BackoffCount + queue.UnschedulableCount);
    }

    [Fact]
    public async Task GatedPodsWaitUntilTheGatesAreRemoved()
    {
        var queue = new SchedulingQueue(_clock);
        queue.Add(Pending("gated", extraSpec: "  schedulingGates: [{name: example.com/quota}]"));
        Assert.Equal(1, queue.GatedCount);
        AssertNothingToPop(queue);

        queue.Update(Pending("gated"));

        Assert.Equal(0, queue.GatedCount);
        Assert.Equal("gated", await PopName(queue));
    }

    [Fact]
    public async Task ConcurrentProducersAndConsumersSeeEveryPodOnce()
    {
        var queue = new SchedulingQueue(_clock);
        var names = Enumerable.Range(0, 200).Select(i => $"pod-{i}").ToList();
        var consumers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var got = new List<string>();
            for (var i = 0; i < 50; i++)
                got.Add((await queue.PopAsync(CancellationToken.None)).Metadata!.Name!);
            return got;
        })).ToList();
        await Task.WhenAll(names.Select(n => Task.Run(() => queue.Add(Pending(n)))));

        var popped = (await Task.WhenAll(consumers).WaitAsync(Patience)).SelectMany(g => g).ToList();

        Assert.Equal(names.Order(), popped.Order());
    }
}
