using System.Globalization;
using Shim.Model;
using DeploymentKind = Shim.Model.Apps.V1.Deployment;
using ReplicaSetKind = Shim.Model.Apps.V1.ReplicaSet;

namespace Shim.Controllers.Deployments;

/// <summary>The replica arithmetic of a rollout, as upstream's deployment util: surge and unavailability budgets,
/// replica sums over ReplicaSets, the new ReplicaSet's next size and proportional shares.</summary>
public static class RolloutMath
{
    private static readonly IntOrString DefaultBudget = IntOrString.FromString("25%");

    public static int Replicas(DeploymentKind d) => d.Spec?.Replicas ?? 1;

    public static int Replicas(ReplicaSetKind? rs) => rs?.Spec?.Replicas ?? 0;

    public static bool IsRollingUpdate(DeploymentKind d) => (d.Spec?.Strategy?.Type ?? "RollingUpdate") == "RollingUpdate";

    /// <summary>Surge rounds up, unavailability rounds down; both zero would deadlock, so unavailability becomes 1.</summary>
    public static (int Surge, int Unavailable) Budgets(DeploymentKind d)
    {
        var rolling = d.Spec?.Strategy?.RollingUpdate;
        var desired = Replicas(d);
        var surge = Scaled(rolling?.MaxSurge ?? DefaultBudget, desired, roundUp: true);
        var unavailable = Scaled(rolling?.MaxUnavailable ?? DefaultBudget, desired, roundUp: false);
        return surge == 0 && unavailable == 0 ? (0, 1) : (surge, unavailable);
    }

    public static int MaxSurge(DeploymentKind d) => IsRollingUpdate(d) ? Budgets(d).Surge : 0;

    public static int MaxUnavailable(DeploymentKind d)
    {
        if (!IsRollingUpdate(d) || Replicas(d) == 0)
        {
            return 0;
        }

        return Math.Min(Budgets(d).Unavailable, Replicas(d));
    }

    public static int Scaled(IntOrString value, int total, bool roundUp)
    {
        if (value.IsInt)
        {
            return value.IntValue;
        }

        var text = value.StringValue;
        if (!text.EndsWith('%') || !int.TryParse(text[..^1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var percent))
        {
            throw new FormatException($"invalid value for IntOrString: invalid type: string is not a percentage: {text}");
        }

        var scaled = (long)percent * total;
        return (int)(roundUp ? (scaled + 99) / 100 : scaled / 100);
    }

    public static int SpecReplicas(IEnumerable<ReplicaSetKind?> replicaSets) => replicaSets.Sum(Replicas);

    public static int StatusReplicas(IEnumerable<ReplicaSetKind?> replicaSets) => replicaSets.Sum(rs => rs?.Status?.Replicas ?? 0);

    public static int ReadyReplicas(IEnumerable<ReplicaSetKind?> replicaSets) => replicaSets.Sum(rs => rs?.Status?.ReadyReplicas ?? 0);

    public static int AvailableReplicas(IEnumerable<ReplicaSetKind?> replicaSets) => replicaSets.Sum(rs => rs?.Status?.AvailableReplicas ?? 0);

    /// <summary>
    /// Available pods that will remain once each ReplicaSet reaches its spec: a ReplicaSet scaled down but not yet
    /// synced still reports the pods it is about to delete (upstream counts those; this is the safer estimate).
    /// </summary>
    public static int RemainingAvailable(IEnumerable<ReplicaSetKind?> replicaSets) =>
        replicaSets.Sum(rs => Math.Min(rs?.Status?.AvailableReplicas ?? 0, Replicas(rs)));

    public static List<ReplicaSetKind> Active(IEnumerable<ReplicaSetKind?> replicaSets) =>
        replicaSets.Where(rs => rs is not null && Replicas(rs) > 0).Select(rs => rs!).ToList();

    /// <summary>The new ReplicaSet's next size: all at once for Recreate; within the surge budget for RollingUpdate.</summary>
    public static int NewReplicaSetSize(DeploymentKind d, IEnumerable<ReplicaSetKind?> all, ReplicaSetKind newRs)
    {
        if (!IsRollingUpdate(d))
        {
            return Replicas(d);
        }

        var current = SpecReplicas(all);
        var maxTotal = Replicas(d) + MaxSurge(d);
        if (current >= maxTotal)
        {
            return Replicas(newRs);
        }

        var scaleUp = Math.Min(maxTotal - current, Replicas(d) - Replicas(newRs));
        return Replicas(newRs) + scaleUp;
    }

    /// <summary>The new ReplicaSet holds all desired replicas, all available, at the current desired size.</summary>
    public static bool IsSaturated(DeploymentKind d, ReplicaSetKind? newRs) =>
        newRs is not null && Replicas(newRs) == Replicas(d)
        && ReplicaSetAnnotations.DesiredReplicasOf(newRs) == Replicas(d)
        && (newRs.Status?.AvailableReplicas ?? 0) == Replicas(d);

    /// <summary>The only active ReplicaSet, or the newest one when none is active; null when several are active.</summary>
    public static ReplicaSetKind? ActiveOrLatest(ReplicaSetKind? newRs, IReadOnlyList<ReplicaSetKind> oldRss)
    {
        if (newRs is null && oldRss.Count == 0)
        {
            return null;
        }

        var newestFirst = oldRss.OrderByDescending(rs => rs.Metadata?.CreationTimestamp).ThenByDescending(rs => rs.Metadata?.Name, StringComparer.Ordinal).ToList();
        var active = Active(newestFirst.Append(newRs));
        return active.Count switch
        {
            0 => newRs ?? newestFirst[0],
            1 => active[0],
            _ => null,
        };
    }

    /// <summary>A ReplicaSet's share of <paramref name="toAdd"/> replicas, by its size relative to the Deployment's size before scaling.</summary>
    public static int Proportion(ReplicaSetKind rs, DeploymentKind d, int toAdd, int added)
    {
        if (Replicas(rs) == 0 || toAdd == 0 || toAdd == added)
        {
            return 0;
        }

        var fraction = Fraction(rs, d);
        var allowed = toAdd - added;
        return toAdd > 0 ? Math.Min(fraction, allowed) : Math.Max(fraction, allowed);
    }

    private static int Fraction(ReplicaSetKind rs, DeploymentKind d)
    {
        if (Replicas(d) == 0)
        {
            return -Replicas(rs);
        }

        var maxNow = Replicas(d) + MaxSurge(d);
        var maxBefore = ReplicaSetAnnotations.MaxReplicasOf(rs) ?? 0;
        if (maxBefore == 0)
        {
            maxBefore = d.Status?.Replicas ?? 0;
            if (maxBefore == 0)
            {
                return 0;
            }
        }

        var size = (double)Replicas(rs) * maxNow / maxBefore;
        return (int)Math.Round(size, MidpointRounding.AwayFromZero) - Replicas(rs);
    }
}
