using System.Text.Json.Nodes;

namespace Shim.Api.Defaulting;

/// <summary>
/// The QoS class the API server records in status.qosClass when a pod is created: BestEffort without any cpu or
/// memory request or limit, Guaranteed when every container (or the pod-level resources, when set) limits both cpu
/// and memory and requests equal limits, Burstable otherwise.
/// </summary>
internal static class PodQos
{
    private static readonly string[] QosResources = ["cpu", "memory"];

    public static string Compute(JsonObject spec)
    {
        var requests = new Dictionary<string, QuantityValue>(StringComparer.Ordinal);
        var limits = new Dictionary<string, QuantityValue>(StringComparer.Ordinal);
        var guaranteed = true;

        var podResources = Fields.Obj(spec, "resources");
        if (IsPodLevelResourcesSet(podResources))
        {
            Accumulate(requests, podResources!["requests"]);
            if (Fields.IsNonEmptyObject(podResources["limits"]))
            {
                guaranteed &= Accumulate(limits, podResources["limits"]).IsSupersetOf(QosResources);
            }
        }
        else
        {
            // Ephemeral containers cannot have resources and do not count.
            foreach (var container in Fields.Items(spec, "containers").Concat(Fields.Items(spec, "initContainers")))
            {
                var resources = Fields.Obj(container, "resources");
                Accumulate(requests, resources?["requests"]);
                guaranteed &= Accumulate(limits, resources?["limits"]).IsSupersetOf(QosResources);
            }
        }

        if (requests.Count == 0 && limits.Count == 0)
        {
            return "BestEffort";
        }

        if (guaranteed)
        {
            foreach (var (name, request) in requests)
            {
                if (!limits.TryGetValue(name, out var limit) || limit.CompareTo(request) != 0)
                {
                    guaranteed = false;
                    break;
                }
            }
        }

        return guaranteed && requests.Count == limits.Count ? "Guaranteed" : "Burstable";
    }

    /// <summary>Pod-level resources decide the class when they name any resource that can be set at pod level.</summary>
    private static bool IsPodLevelResourcesSet(JsonObject? resources) =>
        Keys(resources?["requests"]).Concat(Keys(resources?["limits"])).Any(ResourceLists.IsSupportedPodLevelResource);

    private static IEnumerable<string> Keys(JsonNode? list) => list is JsonObject o ? o.Select(p => p.Key) : [];

    /// <summary>Adds the positive cpu and memory quantities of a list; returns the names that were added.</summary>
    private static HashSet<string> Accumulate(Dictionary<string, QuantityValue> total, JsonNode? list)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, quantity) in ResourceLists.Read(list))
        {
            if (!QosResources.Contains(name) || quantity.Sign <= 0)
            {
                continue;
            }

            found.Add(name);
            total[name] = total.TryGetValue(name, out var existing) ? existing.Add(quantity) : quantity;
        }

        return found;
    }
}
