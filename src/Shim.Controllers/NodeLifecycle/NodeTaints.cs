using Shim.Model.Core.V1;

namespace Shim.Controllers.NodeLifecycle;

/// <summary>The taints the node lifecycle controller owns, derived from a node's conditions and spec.unschedulable.</summary>
public static class NodeTaints
{
    public const string NotReady = "node.kubernetes.io/not-ready";
    public const string Unreachable = "node.kubernetes.io/unreachable";
    public const string Unschedulable = "node.kubernetes.io/unschedulable";
    public const string MemoryPressure = "node.kubernetes.io/memory-pressure";
    public const string DiskPressure = "node.kubernetes.io/disk-pressure";
    public const string PidPressure = "node.kubernetes.io/pid-pressure";
    public const string NetworkUnavailable = "node.kubernetes.io/network-unavailable";
    public const string OutOfService = "node.kubernetes.io/out-of-service";
    public const string NoExecute = "NoExecute";
    public const string NoSchedule = "NoSchedule";

    private static readonly (string Key, string Effect)[] Managed =
    [
        (NotReady, NoExecute), (Unreachable, NoExecute),
        (NotReady, NoSchedule), (Unreachable, NoSchedule), (MemoryPressure, NoSchedule), (DiskPressure, NoSchedule),
        (PidPressure, NoSchedule), (NetworkUnavailable, NoSchedule), (Unschedulable, NoSchedule),
    ];

    /// <summary>
    /// The node's taints with the managed ones brought in line: NoExecute for a Ready condition that is False or
    /// Unknown (taint-based eviction), NoSchedule for every adverse condition (TaintNodesByCondition). A managed taint
    /// already present keeps its timeAdded; taints set by others are kept as they are. Null when nothing changes.
    /// </summary>
    public static List<Taint>? Reconcile(Node node, DateTimeOffset now)
    {
        var wanted = Wanted(node);
        var current = node.Spec?.Taints ?? [];
        var result = current.Where(t => !IsManaged(t) || wanted.Contains((t.Key!, t.Effect!))).ToList();
        foreach (var (key, effect) in wanted)
        {
            if (!result.Any(t => t.Key == key && t.Effect == effect))
            {
                // NoExecute taints carry the time eviction deadlines (tolerationSeconds) count from.
                result.Add(new Taint { Key = key, Effect = effect, TimeAdded = effect == NoExecute ? now : null });
            }
        }

        return result.Count == current.Count && result.All(current.Contains) ? null : result;
    }

    public static string? ReadyStatus(Node node) => Condition(node, "Ready")?.Status;

    public static NodeCondition? Condition(Node node, string type) => node.Status?.Conditions?.FirstOrDefault(c => c.Type == type);

    private static bool IsManaged(Taint taint) => Managed.Contains((taint.Key ?? "", taint.Effect ?? ""));

    private static HashSet<(string Key, string Effect)> Wanted(Node node)
    {
        var wanted = new HashSet<(string, string)>();
        switch (ReadyStatus(node))
        {
            case "False":
                wanted.Add((NotReady, NoExecute));
                wanted.Add((NotReady, NoSchedule));
                break;
            case "Unknown":
                wanted.Add((Unreachable, NoExecute));
                wanted.Add((Unreachable, NoSchedule));
                break;
        }

        foreach (var (type, key) in new[] { ("MemoryPressure", MemoryPressure), ("DiskPressure", DiskPressure), ("PIDPressure", PidPressure), ("NetworkUnavailable", NetworkUnavailable) })
        {
            if (Condition(node, type)?.Status == "True")
            {
                wanted.Add((key, NoSchedule));
            }
        }

        if (node.Spec?.Unschedulable == true)
        {
            wanted.Add((Unschedulable, NoSchedule));
        }

        return wanted;
    }
}
