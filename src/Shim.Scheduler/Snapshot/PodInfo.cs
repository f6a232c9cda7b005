using Shim.Model.Core.V1;
using Shim.Client.Matching;
using Shim.Scheduler.Resources;

namespace Shim.Scheduler.Snapshot;

/// <summary>A pod with what the scheduler derives from it once: its key, labels and effective requests.</summary>
public sealed class PodInfo
{
    public PodInfo(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        Pod = pod;
        Namespace = pod.Metadata?.Namespace ?? "default";
        Name = pod.Metadata?.Name ?? "";
        Key = KeyOf(pod);
        Labels = Shim.Client.Matching.Labels.Of(pod.Metadata?.Labels);
        Requests = PodRequests.Effective(pod);
        NonZeroRequests = PodRequests.NonZero(pod);
    }

    public Pod Pod { get; }

    public string Namespace { get; }

    public string Name { get; }

    /// <summary>"namespace/name", the identity used by the snapshot and the queue.</summary>
    public string Key { get; }

    public IReadOnlyDictionary<string, string> Labels { get; }

    /// <summary>The effective request NodeResourcesFit checks (missing requests are zero).</summary>
    public ResourceAmounts Requests { get; }

    /// <summary>The request the spreading scores use (missing cpu/memory count as 100m / 200Mi per container).</summary>
    public ResourceAmounts NonZeroRequests { get; }

    /// <summary>Being deleted: still occupies its node, but spreading does not count it.</summary>
    public bool IsTerminating => Pod.Metadata?.DeletionTimestamp is not null;

    public Affinity? Affinity => Pod.Spec?.Affinity;

    public static string KeyOf(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return $"{pod.Metadata?.Namespace ?? "default"}/{pod.Metadata?.Name}";
    }

    /// <summary>Succeeded and Failed pods hold no resources and are left out of the snapshot.</summary>
    public static bool IsTerminal(Pod pod) => pod?.Status?.Phase is "Succeeded" or "Failed";

    public override string ToString() => Key;
}
