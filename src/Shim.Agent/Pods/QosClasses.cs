using Shim.Model.Core.V1;

namespace Shim.Agent.Pods;

/// <summary>The pod's quality-of-service class from its containers' cpu/memory requests and limits.</summary>
public static class QosClasses
{
    public const string Guaranteed = "Guaranteed";
    public const string Burstable = "Burstable";
    public const string BestEffort = "BestEffort";

    private static readonly string[] Tracked = ["cpu", "memory"];

    public static string Compute(PodSpec? spec)
    {
        var containers = (spec?.InitContainers ?? []).Concat(spec?.Containers ?? []).ToList();
        var anySet = false;
        var guaranteed = containers.Count > 0;
        foreach (var container in containers)
        {
            var requests = container.Resources?.Requests ?? [];
            var limits = container.Resources?.Limits ?? [];
            foreach (var name in Tracked)
            {
                var hasRequest = requests.TryGetValue(name, out var request) && ResourceQuantity.Milli(request.Value) > 0;
                var hasLimit = limits.TryGetValue(name, out var limit) && ResourceQuantity.Milli(limit.Value) > 0;
                anySet |= hasRequest || hasLimit;
                // Guaranteed: every container limits cpu and memory, and any request equals its limit.
                if (!hasLimit || (hasRequest && ResourceQuantity.Milli(request.Value) != ResourceQuantity.Milli(limit.Value)))
                {
                    guaranteed = false;
                }
            }
        }

        return !anySet ? BestEffort : guaranteed ? Guaranteed : Burstable;
    }
}
