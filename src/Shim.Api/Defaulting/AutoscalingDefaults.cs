using System.Text.Json.Nodes;

namespace Shim.Api.Defaulting;

/// <summary>autoscaling/v2 HorizontalPodAutoscaler defaults.</summary>
internal static class AutoscalingDefaults
{
    private const long DefaultCpuUtilization = 80;

    public static void HorizontalPodAutoscaler(JsonObject hpa)
    {
        if (Fields.Struct(hpa, "spec") is not { } spec)
        {
            return;
        }

        Fields.DefaultPointer(spec, "minReplicas", 1);
        if (!Fields.IsNonEmptyArray(spec["metrics"]) && spec["metrics"] is null or JsonArray)
        {
            spec["metrics"] = new JsonArray(new JsonObject
            {
                ["type"] = "Resource",
                ["resource"] = new JsonObject
                {
                    ["name"] = "cpu",
                    ["target"] = new JsonObject { ["type"] = "Utilization", ["averageUtilization"] = DefaultCpuUtilization },
                },
            });
        }

        // A behavior block, once present, is completed on both sides.
        if (Fields.Obj(spec, "behavior") is { } behavior)
        {
            Complete(behavior, "scaleUp", ScaleUpDefaults());
            Complete(behavior, "scaleDown", ScaleDownDefaults());
        }
    }

    /// <summary>Scaling up: no stabilization; the larger of 4 pods or 100% every 15 seconds.</summary>
    private static JsonObject ScaleUpDefaults() => new()
    {
        ["stabilizationWindowSeconds"] = 0,
        ["selectPolicy"] = "Max",
        ["policies"] = new JsonArray(Policy("Pods", 4), Policy("Percent", 100)),
    };

    /// <summary>Scaling down: 100% every 15 seconds; the stabilization window is left to the controller's flag.</summary>
    private static JsonObject ScaleDownDefaults() => new()
    {
        ["selectPolicy"] = "Max",
        ["policies"] = new JsonArray(Policy("Percent", 100)),
    };

    private static JsonObject Policy(string type, long value) => new()
    {
        ["type"] = type,
        ["value"] = value,
        ["periodSeconds"] = 15,
    };

    /// <summary>The user's rules for one direction, each unset field taken from the defaults.</summary>
    private static void Complete(JsonObject behavior, string direction, JsonObject defaults)
    {
        if (behavior[direction] is not JsonObject rules)
        {
            if (behavior[direction] is null)
            {
                behavior[direction] = defaults;
            }

            return;
        }

        foreach (var (name, value) in defaults)
        {
            if (rules[name] is null)
            {
                rules[name] = value?.DeepClone();
            }
        }
    }
}
