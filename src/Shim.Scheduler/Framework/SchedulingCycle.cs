using Shim.Scheduler.Snapshot;

namespace Shim.Scheduler.Framework;

/// <summary>
/// One attempt to place one pod. Plugins that need a cluster-wide precomputation (pod affinity counts, spreading
/// counts) compute it once per cycle through <see cref="GetOrCompute{T}"/>, upstream's PreFilter/PreScore state.
/// </summary>
public sealed class SchedulingCycle
{
    private readonly Dictionary<string, object> _state = new(StringComparer.Ordinal);

    public SchedulingCycle(PodInfo pod, ClusterSnapshot snapshot)
    {
        Pod = pod ?? throw new ArgumentNullException(nameof(pod));
        Snapshot = snapshot ?? throw new ArgumentNullException(nameof(snapshot));
    }

    public PodInfo Pod { get; }

    public ClusterSnapshot Snapshot { get; }

    /// <summary>The nodes that passed every filter; set before scoring starts.</summary>
    public IReadOnlyList<NodeInfo> FeasibleNodes { get; set; } = [];

    public T GetOrCompute<T>(string key, Func<SchedulingCycle, T> compute)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(compute);
        if (_state.TryGetValue(key, out var existing))
            return (T)existing;
        var value = compute(this);
        _state[key] = value;
        return value;
    }
}
