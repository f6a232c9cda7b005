namespace Shim.Agent.Tests.Pods;

/// <summary>A clock tests move by hand.</summary>
internal sealed class SteppedTime : TimeProvider
{
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
