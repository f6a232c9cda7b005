using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>policy/v1 PodDisruptionBudget: minAvailable xor maxUnavailable, int-or-percent values, selector.</summary>
public static class PodDisruptionBudgetValidator
{
    public static List<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        var spec = obj.Obj("spec") ?? [];
        var minAvailable = spec["minAvailable"];
        var maxUnavailable = spec["maxUnavailable"];
        if (minAvailable is not null && maxUnavailable is not null)
        {
            errors.Add(Err.Invalid("spec", Js.Render(spec), "minAvailable and maxUnavailable cannot be both set"));
        }

        foreach (var (field, value) in new[] { ("minAvailable", minAvailable), ("maxUnavailable", maxUnavailable) })
        {
            if (value is not null)
            {
                IntOrPercent.ValidatePositive(value, "spec." + field, errors);
                IntOrPercent.NotMoreThan100Percent(value, "spec." + field, errors);
            }
        }

        Labels.ValidateLabelSelector(spec["selector"], "spec.selector", errors);
        if (spec.TextOrNull("unhealthyPodEvictionPolicy") is { } policy && policy is not ("IfHealthyBudget" or "AlwaysAllow"))
        {
            errors.Add(Err.NotSupported("spec.unhealthyPodEvictionPolicy", policy, "AlwaysAllow", "IfHealthyBudget"));
        }

        return errors;
    }
}
