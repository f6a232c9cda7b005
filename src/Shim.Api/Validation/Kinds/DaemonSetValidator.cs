using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>apps/v1 DaemonSet: ValidateDaemonSetSpec, update strategy and the immutable selector.</summary>
public static class DaemonSetValidator
{
    public static List<FieldError> Validate(JsonObject obj, JsonObject? old)
    {
        var errors = new List<FieldError>();
        var spec = obj.Obj("spec") ?? [];
        var selector = spec["selector"];
        Labels.ValidateLabelSelector(selector, "spec.selector", errors);
        var kind = Labels.Classify(selector);
        var template = spec.Obj("template");
        if (kind != Labels.SelectorKind.Invalid && (kind == Labels.SelectorKind.Nothing || !Labels.Matches(selector, PodTemplateValidator.TemplateLabels(template))))
        {
            if (kind != Labels.SelectorKind.Everything)
            {
                errors.Add(Err.Invalid("spec.template.metadata.labels", Js.RenderMap(PodTemplateValidator.TemplateLabels(template)), "`selector` does not match template `labels`"));
            }
        }

        if (selector is JsonObject s && s.Obj("matchLabels") is not { Count: > 0 } && s.List("matchExpressions").Count == 0)
        {
            errors.Add(Err.Invalid("spec.selector", Js.Render(s), "empty selector is invalid for daemonset"));
        }

        PodTemplateValidator.Validate(template, "spec.template", errors);
        WorkloadRules.AlwaysRestart(template, "spec.template", "DaemonSet", errors);
        Err.NonNegative(errors, "spec.minReadySeconds", spec.Num("minReadySeconds"));
        Err.NonNegative(errors, "spec.templateGeneration", spec.Num("templateGeneration"));
        if (spec["updateStrategy"] is JsonObject strategy)
        {
            UpdateStrategy(strategy, "spec.updateStrategy", errors);
        }

        Err.NonNegative(errors, "spec.revisionHistoryLimit", spec.Num("revisionHistoryLimit"));
        WorkloadRules.ImmutableSelector(obj, old, errors);
        return errors;
    }

    private static void UpdateStrategy(JsonObject strategy, string path, List<FieldError> errors)
    {
        switch (strategy.Text("type"))
        {
            case "OnDelete":
                break;
            case "RollingUpdate" or "":
                var rolling = strategy.Obj("rollingUpdate") ?? [];
                var p = path + ".rollingUpdate";
                var maxUnavailable = rolling["maxUnavailable"] ?? JsonValue.Create(1);
                var maxSurge = rolling["maxSurge"] ?? JsonValue.Create(0);
                IntOrPercent.ValidatePositive(maxUnavailable, p + ".maxUnavailable", errors);
                IntOrPercent.ValidatePositive(maxSurge, p + ".maxSurge", errors);
                IntOrPercent.NotMoreThan100Percent(maxUnavailable, p + ".maxUnavailable", errors);
                IntOrPercent.NotMoreThan100Percent(maxSurge, p + ".maxSurge", errors);
                var hasUnavailable = IntOrPercent.Value(maxUnavailable) != 0;
                var hasSurge = IntOrPercent.Value(maxSurge) != 0;
                if (hasUnavailable && hasSurge)
                {
                    errors.Add(Err.Invalid(p + ".maxSurge", IntOrPercent.Render(maxSurge), "may not be set when maxUnavailable is non-zero"));
                }
                else if (!hasUnavailable && !hasSurge)
                {
                    errors.Add(Err.Required(p + ".maxUnavailable", "cannot be 0 when maxSurge is 0"));
                }

                break;
            default:
                errors.Add(Err.NotSupported(path, Js.Render(strategy), "RollingUpdate", "OnDelete"));
                break;
        }
    }
}
