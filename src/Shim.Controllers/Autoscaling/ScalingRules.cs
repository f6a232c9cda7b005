using Shim.Model.Autoscaling.V2;

namespace Shim.Controllers.Autoscaling;

/// <summary>
/// A behavior's rules with upstream's defaults filled in (the API server fills them too; this covers objects that
/// bypassed it): scale up without stabilization, by max(4 pods, 100%) per 15 s; scale down by 100% per 15 s after the
/// controller's stabilization window.
/// </summary>
public static class ScalingRules
{
    public static HPAScalingRules ScaleUp(HPAScalingRules? rules) => new()
    {
        StabilizationWindowSeconds = rules?.StabilizationWindowSeconds ?? 0,
        SelectPolicy = rules?.SelectPolicy ?? "Max",
        Policies = rules?.Policies ?? [Policy("Pods", 4), Policy("Percent", 100)],
        Tolerance = rules?.Tolerance,
    };

    public static HPAScalingRules ScaleDown(HPAScalingRules? rules, TimeSpan defaultWindow) => new()
    {
        StabilizationWindowSeconds = rules?.StabilizationWindowSeconds ?? (int)defaultWindow.TotalSeconds,
        SelectPolicy = rules?.SelectPolicy ?? "Max",
        Policies = rules?.Policies ?? [Policy("Percent", 100)],
        Tolerance = rules?.Tolerance,
    };

    private static HPAScalingPolicy Policy(string type, int value) => new() { Type = type, Value = value, PeriodSeconds = 15 };
}
