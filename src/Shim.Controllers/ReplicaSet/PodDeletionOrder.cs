using Shim.Controllers.Runtime;
using System.Globalization;
using Shim.Model.Core.V1;

namespace Shim.Controllers.ReplicaSets;

/// <summary>
/// Which surplus pods go first, after upstream's ActivePodsWithRanks: unscheduled before scheduled, Pending before
/// Unknown before Running, not ready before ready, lower controller.kubernetes.io/pod-deletion-cost first, ready for
/// less time first, more container restarts first, newer first. Simplified: upstream's rank of pods doubled up on one
/// node and its logarithmic bucketing of times are left out.
/// </summary>
public sealed class PodDeletionOrder : IComparer<Pod>
{
    public const string DeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost";

    public static PodDeletionOrder Instance { get; } = new();

    public int Compare(Pod? x, Pod? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        int c;
        if ((c = Scheduled(x).CompareTo(Scheduled(y))) != 0
            || (c = PhaseOrder(x).CompareTo(PhaseOrder(y))) != 0
            || (c = PodStates.IsReady(x).CompareTo(PodStates.IsReady(y))) != 0
            || (c = DeletionCost(x).CompareTo(DeletionCost(y))) != 0)
        {
            return c;
        }

        // Ready more recently (or with no known time) goes first.
        if (PodStates.IsReady(x) && PodStates.IsReady(y) && (c = Later(PodStates.ReadySince(x), PodStates.ReadySince(y))) != 0)
        {
            return c;
        }

        if ((c = Restarts(y).CompareTo(Restarts(x))) != 0)
        {
            return c;
        }

        return Later(x.Metadata?.CreationTimestamp, y.Metadata?.CreationTimestamp);
    }

    /// <summary>Orders later (and unknown) times first.</summary>
    private static int Later(DateTimeOffset? x, DateTimeOffset? y) =>
        (x ?? DateTimeOffset.MaxValue).CompareTo(y ?? DateTimeOffset.MaxValue) * -1;

    private static bool Scheduled(Pod pod) => !string.IsNullOrEmpty(pod.Spec?.NodeName);

    private static int PhaseOrder(Pod pod) => pod.Status?.Phase switch
    {
        "Pending" or null or "" => 0,
        "Unknown" => 1,
        "Running" => 2,
        _ => 3,
    };

    private static int DeletionCost(Pod pod) =>
        pod.Metadata?.Annotations?.GetValueOrDefault(DeletionCostAnnotation) is { } text
        && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var cost) ? cost : 0;

    private static int Restarts(Pod pod) => pod.Status?.ContainerStatuses?.Select(s => s.RestartCount ?? 0).DefaultIfEmpty(0).Max() ?? 0;
}
