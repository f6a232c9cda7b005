using System.Text.Json.Nodes;

namespace Shim.Api.Defaulting;

/// <summary>scheduling.k8s.io/v1 PriorityClass defaults.</summary>
internal static class SchedulingDefaults
{
    public static void PriorityClass(JsonObject priorityClass) =>
        Fields.DefaultPointer(priorityClass, "preemptionPolicy", "PreemptLowerPriority");
}
