using System.Text.Json.Nodes;

namespace Shim.Api.Defaulting;

/// <summary>Resource lists (maps of resource name to quantity): the milli round-up every list gets, and pod-level arithmetic.</summary>
internal static class ResourceLists
{
    private const int MilliExponent = -3;

    /// <summary>
    /// Quantities finer than a milli-unit are rounded up to one ("100u" becomes "1m"); anything else, and anything
    /// that does not parse as a quantity, is left exactly as written.
    /// </summary>
    public static void RoundUpToMilli(JsonNode? list)
    {
        if (list is not JsonObject o)
        {
            return;
        }

        foreach (var key in o.Select(p => p.Key).ToList())
        {
            if (QuantityValue.TryRead(o[key], out var q) && q.Exponent < MilliExponent)
            {
                o[key] = q.RoundUpTo(MilliExponent).ToCanonicalString();
            }
        }
    }

    /// <summary>Rounds the limits and requests of a ResourceRequirements object.</summary>
    public static void RoundUpRequirements(JsonObject? requirements)
    {
        RoundUpToMilli(requirements?["limits"]);
        RoundUpToMilli(requirements?["requests"]);
    }

    /// <summary>The parsed quantities of a list (entries that do not parse are skipped).</summary>
    public static Dictionary<string, QuantityValue> Read(JsonNode? list)
    {
        var result = new Dictionary<string, QuantityValue>(StringComparer.Ordinal);
        if (list is JsonObject o)
        {
            foreach (var (key, value) in o)
            {
                if (QuantityValue.TryRead(value, out var q))
                {
                    result[key] = q;
                }
            }
        }

        return result;
    }

    public static void AddInto(Dictionary<string, QuantityValue> list, Dictionary<string, QuantityValue> other)
    {
        foreach (var (key, value) in other)
        {
            list[key] = list.TryGetValue(key, out var existing) ? existing.Add(value) : value;
        }
    }

    public static void MaxInto(Dictionary<string, QuantityValue> list, Dictionary<string, QuantityValue> other)
    {
        foreach (var (key, value) in other)
        {
            if (!list.TryGetValue(key, out var existing) || value.CompareTo(existing) > 0)
            {
                list[key] = value;
            }
        }
    }

    /// <summary>
    /// The effective requests or limits (<paramref name="field"/>) of a pod's containers: regular containers and
    /// restartable (sidecar) init containers add up; each ordinary init container needs its own amount plus the
    /// sidecars started before it; the pod needs the larger of the two.
    /// </summary>
    public static Dictionary<string, QuantityValue> AggregateContainers(JsonObject spec, string field)
    {
        var result = new Dictionary<string, QuantityValue>(StringComparer.Ordinal);
        foreach (var container in Fields.Items(spec, "containers"))
        {
            AddInto(result, Read(Fields.Obj(container, "resources")?[field]));
        }

        var sidecars = new Dictionary<string, QuantityValue>(StringComparer.Ordinal);
        var initPeak = new Dictionary<string, QuantityValue>(StringComparer.Ordinal);
        foreach (var container in Fields.Items(spec, "initContainers"))
        {
            var own = Read(Fields.Obj(container, "resources")?[field]);
            Dictionary<string, QuantityValue> use;
            if (Fields.Str(container, "restartPolicy") == "Always")
            {
                AddInto(result, own);
                AddInto(sidecars, own);
                use = sidecars;
            }
            else
            {
                use = new Dictionary<string, QuantityValue>(own, StringComparer.Ordinal);
                AddInto(use, sidecars);
            }

            MaxInto(initPeak, use);
        }

        MaxInto(result, initPeak);
        return result;
    }

    public static bool IsHugePages(string name) => name.StartsWith("hugepages-", StringComparison.Ordinal);

    /// <summary>Resources that can be set at pod level: cpu, memory and huge pages.</summary>
    public static bool IsSupportedPodLevelResource(string name) => name is "cpu" or "memory" || IsHugePages(name);

    /// <summary>Native resources other than huge pages may be overcommitted.</summary>
    public static bool IsOvercommitAllowed(string name) => !IsHugePages(name) && (!name.Contains('/', StringComparison.Ordinal) || name.StartsWith("kubernetes.io/", StringComparison.Ordinal));
}
