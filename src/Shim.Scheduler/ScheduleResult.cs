namespace Shim.Scheduler;

/// <summary>The outcome of one scheduling cycle: the chosen node, or why no node fits.</summary>
public sealed class ScheduleResult
{
    private ScheduleResult(string? nodeName, string? failureMessage, IReadOnlyDictionary<string, IReadOnlyList<string>> filterFailures, IReadOnlyDictionary<string, long> scores)
    {
        NodeName = nodeName;
        FailureMessage = failureMessage;
        FilterFailures = filterFailures;
        Scores = scores;
    }

    public bool Succeeded => NodeName is not null;

    /// <summary>The node to bind the pod to; null on failure.</summary>
    public string? NodeName { get; }

    /// <summary>
    /// On failure, the message for the pod's PodScheduled condition and FailedScheduling event, e.g.
    /// "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector."
    /// </summary>
    public string? FailureMessage { get; }

    /// <summary>Why each rejected node was rejected (the reasons of the first filter that failed).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> FilterFailures { get; }

    /// <summary>The weighted total score of each feasible node (empty when only one node was feasible).</summary>
    public IReadOnlyDictionary<string, long> Scores { get; }

    public static ScheduleResult Success(string nodeName, IReadOnlyDictionary<string, IReadOnlyList<string>> filterFailures, IReadOnlyDictionary<string, long> scores) =>
        new(nodeName, null, filterFailures, scores);

    public static ScheduleResult Failure(string message, IReadOnlyDictionary<string, IReadOnlyList<string>> filterFailures) =>
        new(null, message, filterFailures, new Dictionary<string, long>());

    public override string ToString() => Succeeded ? $"-> {NodeName}" : FailureMessage!;
}
