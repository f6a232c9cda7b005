namespace Shim.Scheduler.Framework;

/// <summary>The outcome of a filter: success, or unschedulable with the reasons users see in the event message.</summary>
public sealed class FilterResult
{
    private FilterResult(IReadOnlyList<string> reasons) => Reasons = reasons;

    public static FilterResult Success { get; } = new([]);

    public bool IsSuccess => Reasons.Count == 0;

    /// <summary>Upstream-style reasons, e.g. "Insufficient cpu"; empty on success.</summary>
    public IReadOnlyList<string> Reasons { get; }

    public static FilterResult Unschedulable(params string[] reasons)
    {
        if (reasons is null || reasons.Length == 0)
            throw new ArgumentException("an unschedulable result needs a reason", nameof(reasons));
        return new FilterResult(reasons);
    }

    public override string ToString() => IsSuccess ? "Success" : string.Join(", ", Reasons);
}
