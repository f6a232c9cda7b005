using Shim.Controllers.Runtime;
using Shim.Testing;

namespace Shim.Controllers.Tests.Runtime;

public sealed class ExpectationsTests
{
    [Fact]
    public void Unknown_keys_are_satisfied()
    {
        Assert.True(new Expectations(new ManualTimeProvider()).Satisfied("ns/rs"));
    }

    [Fact]
    public void Satisfied_once_every_expected_creation_and_deletion_was_observed()
    {
        var expectations = new Expectations(new ManualTimeProvider());
        expectations.Expect("ns/rs", creations: 2, deletions: 1);
        expectations.CreationObserved("ns/rs");
        expectations.DeletionObserved("ns/rs");
        Assert.False(expectations.Satisfied("ns/rs"));
        expectations.CreationFailed("ns/rs");
        Assert.True(expectations.Satisfied("ns/rs"));
    }

    [Fact]
    public void Unmet_expectations_expire_so_a_lost_event_cannot_stall_the_owner()
    {
        var time = new ManualTimeProvider();
        var expectations = new Expectations(time);
        expectations.Expect("ns/rs", creations: 1, deletions: 0);
        time.Advance(Expectations.Timeout - TimeSpan.FromSeconds(1));
        Assert.False(expectations.Satisfied("ns/rs"));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(expectations.Satisfied("ns/rs"));
    }
}
