using Microsoft.Extensions.Logging.Abstractions;
using Shim.Client;
using Shim.Controllers.Runtime;
using Shim.Controllers.Tests.Support;
using Shim.Model.Coordination.V1;
using Shim.Model.Meta.V1;

namespace Shim.Controllers.Tests.Runtime;

public sealed class LeaderElectorTests
{
    // Short real timings: the tests wait on behaviour (who leads), never assert durations.
    private static readonly LeaderElectionTimings Fast = new(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(1500), TimeSpan.FromMilliseconds(200));

    [Fact]
    public async Task One_of_two_candidates_leads_and_the_other_takes_over_when_it_stops()
    {
        await using var api = await ApiServer.StartAsync();
        var leaders = new List<string>();
        var active = 0;
        var overlap = false;
        LeaderElector Candidate(string id) => new(api.Client, "kube-system", "test-manager", id, Fast, TimeProvider.System, NullLogger.Instance);
        Func<CancellationToken, Task> Lead(string id) => async ct =>
        {
            lock (leaders)
            {
                leaders.Add(id);
                overlap |= ++active > 1;
            }

            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            finally
            {
                lock (leaders)
                {
                    active--;
                }
            }
        };

        using var stopA = new CancellationTokenSource();
        using var stopB = new CancellationTokenSource();
        var a = Candidate("a").RunAsync(Lead("a"), stopA.Token);
        var b = Candidate("b").RunAsync(Lead("b"), stopB.Token);
        await Eventually.TrueAsync(() => Task.FromResult(leaders.Count == 1), "a first leader");
        await Task.Delay(1000);
        var first = leaders.Single();
        (first == "a" ? stopA : stopB).Cancel();
        await Eventually.TrueAsync(() => Task.FromResult(leaders.Count == 2), "the standby to take over", TimeSpan.FromSeconds(10));
        await stopA.CancelAsync();
        await stopB.CancelAsync();
        await Task.WhenAll(a, b);

        Assert.False(overlap, "two candidates led at the same time");
        Assert.NotEqual(leaders[0], leaders[1]);
        var lease = await api.Client.GetAsync<Lease>(ResourcePath.For<Lease>("kube-system", "test-manager"), CancellationToken.None);
        Assert.True(lease!.Spec!.LeaseTransitions >= 1);
    }

    [Fact]
    public async Task A_holder_that_stopped_renewing_loses_the_lease_after_its_duration()
    {
        await using var api = await ApiServer.StartAsync();
        var stale = DateTimeOffset.UtcNow;
        await api.Client.CreateAsync(ResourcePath.For<Lease>("kube-system"), new Lease
        {
            Metadata = new ObjectMeta { Name = "crashed", Namespace = "kube-system" },
            Spec = new LeaseSpec { HolderIdentity = "dead-server", LeaseDurationSeconds = 1, AcquireTime = stale, RenewTime = stale, LeaseTransitions = 4 },
        }, CancellationToken.None);
        var led = new TaskCompletionSource();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var elector = new LeaderElector(api.Client, "kube-system", "crashed", "survivor", Fast, TimeProvider.System, NullLogger.Instance);
        var run = elector.RunAsync(async ct => { led.TrySetResult(); await Task.Delay(Timeout.Infinite, ct); }, stop.Token);
        await led.Task.WaitAsync(stop.Token);

        var lease = await api.Client.GetAsync<Lease>(ResourcePath.For<Lease>("kube-system", "crashed"), CancellationToken.None);
        Assert.Equal("survivor", lease!.Spec!.HolderIdentity);
        Assert.Equal(5, lease.Spec.LeaseTransitions);
        Assert.Equal(2, lease.Spec.LeaseDurationSeconds);
        await stop.CancelAsync();
        await run;

        // A clean stop hands the lease back.
        lease = await api.Client.GetAsync<Lease>(ResourcePath.For<Lease>("kube-system", "crashed"), CancellationToken.None);
        Assert.True(string.IsNullOrEmpty(lease!.Spec!.HolderIdentity));
    }
}
