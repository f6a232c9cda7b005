using Shim.Model.Autoscaling.V2;

namespace Shim.Controllers.Autoscaling;

/// <summary>
/// What the controller remembers of one HPA between syncs, as upstream keeps it in memory: recent unstabilized
/// recommendations (for the stabilization windows) and recent scale events (for the rate policies). A restart of
/// the controller starts afresh, as upstream's does.
/// </summary>
public sealed class ScaleHistory
{
    /// <summary>Without a behavior: at most double, or 4, per step.</summary>
    private const double ScaleUpLimitFactor = 2.0;
    private const double ScaleUpLimitMinimum = 4.0;

    private readonly List<(int Replicas, DateTimeOffset At)> _recommendations = [];
    private readonly List<ScaleEvent> _scaleUps = [];
    private readonly List<ScaleEvent> _scaleDowns = [];

    /// <summary>The first sight of an HPA counts as a recommendation of the current size (so no scale-down right away).</summary>
    public void RecordInitial(int currentReplicas, DateTimeOffset now)
    {
        if (_recommendations.Count == 0)
        {
            _recommendations.Add((currentReplicas, now));
        }
    }

    /// <summary>Without a behavior: the highest recommendation of the downscale window wins.</summary>
    public int StabilizeDown(int desired, TimeSpan window, DateTimeOffset now)
    {
        var highest = desired;
        var oldIndex = -1;
        var cutoff = now - window;
        for (var i = 0; i < _recommendations.Count; i++)
        {
            var (replicas, at) = _recommendations[i];
            if (at < cutoff)
            {
                oldIndex = i;
            }
            else
            {
                highest = Math.Max(highest, replicas);
            }
        }

        Remember(oldIndex, desired, now);
        return highest;
    }

    /// <summary>
    /// With a behavior: the result stays between the lowest recommendation of the scale-up window and the highest of
    /// the scale-down window (moving from the current size no further than both allow).
    /// </summary>
    public int Stabilize(int current, int desired, TimeSpan upWindow, TimeSpan downWindow, DateTimeOffset now)
    {
        var up = desired;
        var down = desired;
        var upCutoff = now - upWindow;
        var downCutoff = now - downWindow;
        var oldIndex = -1;
        for (var i = 0; i < _recommendations.Count; i++)
        {
            var (replicas, at) = _recommendations[i];
            if (at > upCutoff)
            {
                up = Math.Min(up, replicas);
            }

            if (at > downCutoff)
            {
                down = Math.Max(down, replicas);
            }

            if (at < upCutoff && at < downCutoff)
            {
                oldIndex = i;
            }
        }

        Remember(oldIndex, desired, now);
        return Math.Min(Math.Max(current, up), down);
    }

    /// <summary>Without a behavior: min/max replicas, and at most max(2 × current, 4) in one step.</summary>
    public static ScaleLimit LimitWithoutBehavior(int current, int desired, int minReplicas, int maxReplicas)
    {
        var scaleUpLimit = (int)Math.Max(ScaleUpLimitFactor * current, ScaleUpLimitMinimum);
        var (maximum, reason, message) = maxReplicas > scaleUpLimit
            ? (scaleUpLimit, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")
            : (maxReplicas, "TooManyReplicas", "the desired replica count is more than the maximum replica count");
        if (desired < minReplicas)
        {
            return new ScaleLimit(minReplicas, "TooFewReplicas", "the desired replica count is less than the minimum replica count");
        }

        return desired > maximum ? new ScaleLimit(maximum, reason, message) : WithinRange(desired);
    }

    /// <summary>With a behavior: min/max replicas and the rate policies of the direction, over the events of their periods.</summary>
    public ScaleLimit LimitWithBehavior(int current, int desired, int minReplicas, int maxReplicas, HPAScalingRules up, HPAScalingRules down, DateTimeOffset now)
    {
        if (desired > current)
        {
            var limit = Math.Max(ScaleUpLimit(current, up, now), current);
            var (maximum, reason, message) = maxReplicas > limit
                ? (limit, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")
                : (maxReplicas, "TooManyReplicas", "the desired replica count is more than the maximum replica count");
            return desired > maximum ? new ScaleLimit(maximum, reason, message) : WithinRange(desired);
        }

        if (desired < current)
        {
            var limit = Math.Min(ScaleDownLimit(current, down, now), current);
            var (minimum, reason, message) = minReplicas < limit
                ? (limit, "ScaleDownLimit", "the desired replica count is decreasing faster than the maximum scale rate")
                : (minReplicas, "TooFewReplicas", "the desired replica count is less than the minimum replica count");
            return desired < minimum ? new ScaleLimit(minimum, reason, message) : WithinRange(desired);
        }

        return WithinRange(desired);
    }

    /// <summary>Remembers a rescale for the rate policies (only needed when the HPA has a behavior).</summary>
    public void RecordScale(HorizontalPodAutoscalerBehavior behavior, int previous, int next, DateTimeOffset now)
    {
        var (events, rules, change) = next > previous ? (_scaleUps, behavior.ScaleUp, next - previous) : (_scaleDowns, behavior.ScaleDown, previous - next);
        var longest = rules?.Policies?.Max(p => p.PeriodSeconds ?? 0) ?? 0;
        var cutoff = now - TimeSpan.FromSeconds(longest);
        var outdated = events.FindIndex(e => e.At < cutoff);
        if (outdated >= 0)
        {
            events[outdated] = new ScaleEvent(change, now);
        }
        else
        {
            events.Add(new ScaleEvent(change, now));
        }
    }

    private int ScaleUpLimit(int current, HPAScalingRules rules, DateTimeOffset now)
    {
        if (rules.SelectPolicy == "Disabled")
        {
            return current;
        }

        var minChange = rules.SelectPolicy == "Min";
        var result = minChange ? int.MaxValue : int.MinValue;
        foreach (var policy in rules.Policies ?? [])
        {
            var period = TimeSpan.FromSeconds(policy.PeriodSeconds ?? 0);
            var periodStart = current - ChangeWithin(_scaleUps, period, now) + ChangeWithin(_scaleDowns, period, now);
            var proposed = policy.Type == "Pods"
                ? periodStart + (policy.Value ?? 0)
                // Rounded up: a small percentage of a few pods must still add one.
                : (int)Math.Ceiling(periodStart * (1 + (policy.Value ?? 0) / 100.0));
            result = minChange ? Math.Min(result, proposed) : Math.Max(result, proposed);
        }

        return result;
    }

    private int ScaleDownLimit(int current, HPAScalingRules rules, DateTimeOffset now)
    {
        if (rules.SelectPolicy == "Disabled")
        {
            return current;
        }

        var minChange = rules.SelectPolicy == "Min";
        var result = minChange ? int.MinValue : int.MaxValue;
        foreach (var policy in rules.Policies ?? [])
        {
            var period = TimeSpan.FromSeconds(policy.PeriodSeconds ?? 0);
            var periodStart = current - ChangeWithin(_scaleUps, period, now) + ChangeWithin(_scaleDowns, period, now);
            var proposed = policy.Type == "Pods"
                ? periodStart - (policy.Value ?? 0)
                : (int)(periodStart * (1 - (policy.Value ?? 0) / 100.0));
            result = minChange ? Math.Max(result, proposed) : Math.Min(result, proposed);
        }

        return result;
    }

    private static int ChangeWithin(List<ScaleEvent> events, TimeSpan period, DateTimeOffset now) =>
        events.Where(e => e.At > now - period).Sum(e => e.Change);

    private void Remember(int oldIndex, int desired, DateTimeOffset now)
    {
        if (oldIndex >= 0)
        {
            _recommendations[oldIndex] = (desired, now);
        }
        else
        {
            _recommendations.Add((desired, now));
        }
    }

    private static ScaleLimit WithinRange(int desired) => new(desired, "DesiredWithinRange", "the desired count is within the acceptable range");

    private readonly record struct ScaleEvent(int Change, DateTimeOffset At);
}
