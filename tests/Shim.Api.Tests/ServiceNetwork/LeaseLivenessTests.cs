using Shim.Api.ServiceNetwork;
using Xunit;

namespace Shim.Api.Tests.ServiceNetwork;

/// <summary>API server liveness judged on the observer's clock.</summary>
public sealed class LeaseLivenessTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ALeaseIsLiveWhileItKeepsChanging()
    {
        var liveness = new LeaseLiveness(TimeSpan.FromSeconds(45));
        Assert.True(liveness.IsLive("a", "1", Start, Start));
        Assert.True(liveness.IsLive("a", "2", Start.AddSeconds(40), Start.AddSeconds(40)));
        Assert.True(liveness.IsLive("a", "2", Start.AddSeconds(40), Start.AddSeconds(85)));
        Assert.False(liveness.IsLive("a", "2", Start.AddSeconds(40), Start.AddSeconds(86)));
        Assert.True(liveness.IsObservedExpired("a", Start.AddSeconds(86)));
    }

    [Fact]
    public void ChangesCountFromWhenTheyAreSeenNotFromTheWritersClock()
    {
        var liveness = new LeaseLiveness(TimeSpan.FromSeconds(45));
        liveness.IsLive("a", "1", Start, Start);
        // The writer's clock is 10 minutes behind: its renewTime says nothing, the change does.
        Assert.True(liveness.IsLive("a", "2", Start.AddMinutes(-9), Start.AddSeconds(10)));
    }

    [Fact]
    public void ALeaseFirstSeenLongAfterItsRenewalIsDeadButNotYetDeleted()
    {
        var liveness = new LeaseLiveness(TimeSpan.FromSeconds(45));
        Assert.False(liveness.IsLive("old", "7", Start.AddMinutes(-10), Start));
        Assert.False(liveness.IsObservedExpired("old", Start));
        Assert.True(liveness.IsObservedExpired("old", Start.AddSeconds(46)));
    }

    [Fact]
    public void ForgottenLeasesStartOver()
    {
        var liveness = new LeaseLiveness(TimeSpan.FromSeconds(45));
        liveness.IsLive("a", "1", Start, Start);
        liveness.Retain(new HashSet<string>());
        Assert.False(liveness.IsObservedExpired("a", Start.AddHours(1)));
    }
}
