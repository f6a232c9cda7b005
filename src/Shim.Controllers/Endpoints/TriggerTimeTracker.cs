using System.Globalization;
using Shim.Client;
using Shim.Model.Core.V1;

namespace Shim.Controllers.Endpoints;

/// <summary>
/// Computes the endpoints.kubernetes.io/last-change-trigger-time annotation as upstream's TriggerTimeTracker: the
/// earliest of the changes seen since the previous sync of the service (a pod's Ready transition, the service's
/// creation), or the service's creation on its first sync. Null means "no new trigger": the annotation is removed.
/// One instance per controller; syncs of one key never run concurrently (one worker), other keys may.
/// </summary>
public sealed class TriggerTimeTracker
{
    public const string Annotation = "endpoints.kubernetes.io/last-change-trigger-time";

    private readonly Dictionary<string, State> _states = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public DateTimeOffset? Compute(Service service, IEnumerable<Pod> pods)
    {
        var key = Informer<Service>.KeyOf(service);
        State? previous;
        lock (_lock)
        {
            _states.TryGetValue(key, out previous);
        }

        DateTimeOffset? earliestChange = null;
        var podTimes = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            if (pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.LastTransitionTime is not { } time)
            {
                continue;
            }

            var name = pod.Metadata?.Name ?? "";
            podTimes[name] = time;
            if (previous is null || !previous.PodTimes.TryGetValue(name, out var seen) || time > seen)
            {
                earliestChange = Earliest(earliestChange, time);
            }
        }

        var created = service.Metadata?.CreationTimestamp;
        if (created is { } c && (previous?.ServiceTime is not { } seenService || c > seenService))
        {
            earliestChange = Earliest(earliestChange, c);
        }

        lock (_lock)
        {
            _states[key] = new State(created, podTimes);
        }

        return previous is null ? created : earliestChange;
    }

    public void Forget(string serviceKey)
    {
        lock (_lock)
        {
            _states.Remove(serviceKey);
        }
    }

    /// <summary>The annotation value: RFC 3339 in UTC with as many fractional digits as needed (Go's RFC3339Nano).</summary>
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset Earliest(DateTimeOffset? current, DateTimeOffset candidate) =>
        current is { } c && c <= candidate ? c : candidate;

    private sealed record State(DateTimeOffset? ServiceTime, Dictionary<string, DateTimeOffset> PodTimes);
}
