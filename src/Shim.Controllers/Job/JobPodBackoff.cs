namespace Shim.Controllers.Job;

/// <summary>
/// The delay before a Job replaces failed pods, as upstream's pod failure backoff: 10 s after one failure since the
/// last success, doubling per further failure, capped at 10 minutes, measured from the last failure.
/// </summary>
internal sealed record JobPodBackoff(int FailuresAfterLastSuccess, DateTimeOffset LastFailure)
{
    public static readonly TimeSpan Base = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Max = TimeSpan.FromMinutes(10);

    public static JobPodBackoff None { get; } = new(0, DateTimeOffset.MinValue);

    /// <summary>The record after a sync saw new finished pods: a success resets the count unless failures came later.</summary>
    public JobPodBackoff After(IReadOnlyCollection<DateTimeOffset> newSuccesses, IReadOnlyCollection<DateTimeOffset> newFailures)
    {
        if (newFailures.Count == 0)
        {
            return newSuccesses.Count == 0 ? this : None;
        }

        var lastSuccess = newSuccesses.Count == 0 ? (DateTimeOffset?)null : newSuccesses.Max();
        var failures = lastSuccess is { } s ? newFailures.Where(f => f > s).ToList() : [.. newFailures];
        if (failures.Count == 0)
        {
            return None;
        }

        var previous = lastSuccess is null ? FailuresAfterLastSuccess : 0;
        return new JobPodBackoff(previous + failures.Count, failures.Max() > LastFailure ? failures.Max() : LastFailure);
    }

    public TimeSpan Remaining(DateTimeOffset now)
    {
        if (FailuresAfterLastSuccess == 0)
        {
            return TimeSpan.Zero;
        }

        var backoff = Base;
        for (var i = 1; i < FailuresAfterLastSuccess && backoff < Max; i++)
        {
            backoff *= 2;
        }

        backoff = backoff > Max ? Max : backoff;
        var elapsed = now - LastFailure;
        return elapsed >= backoff ? TimeSpan.Zero : backoff - elapsed;
    }
}
