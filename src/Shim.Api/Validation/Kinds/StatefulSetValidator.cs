using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>apps/v1 StatefulSet: ValidateStatefulSetSpec and ValidateStatefulSetUpdate.</summary>
public static class StatefulSetValidator
{
    private static readonly string[] Mutable = ["replicas", "ordinals", "template", "updateStrategy", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"];

    public static List<FieldError> Validate(JsonObject obj, JsonObject? old)
    {
        var errors = new List<FieldError>();
        var spec = obj.Obj("spec") ?? [];
        var policy = spec.Text("podManagementPolicy");
        if (policy.Length > 0 && policy is not ("OrderedReady" or "Parallel"))
        {
            errors.Add(Err.Invalid("spec.podManagementPolicy", policy, "must be 'OrderedReady' or 'Parallel'"));
        }

        if (spec["updateStrategy"] is JsonObject strategy)
        {
            switch (strategy.Text("type"))
            {
                case "OnDelete":
                    if (strategy.IsSet("rollingUpdate"))
                    {
                        errors.Add(Err.Invalid("spec.updateStrategy.rollingUpdate", Js.Render(strategy["rollingUpdate"]), "only allowed for updateStrategy 'RollingUpdate'"));
                    }

                    break;
                case "RollingUpdate" or "":
                    if (strategy["rollingUpdate"] is JsonObject rolling)
                    {
                        Err.NonNegative(errors, "spec.updateStrategy.rollingUpdate.partition", rolling.Num("partition"));
                        if (rolling["maxUnavailable"] is { } maxUnavailable)
                        {
                            const string p = "spec.updateStrategy.rollingUpdate.maxUnavailable";
                            IntOrPercent.ValidatePositive(maxUnavailable, p, errors);
                            if (IntOrPercent.Value(maxUnavailable) == 0)
                            {
                                errors.Add(Err.Invalid(p, IntOrPercent.Render(maxUnavailable), "cannot be 0"));
                            }

                            IntOrPercent.NotMoreThan100Percent(maxUnavailable, p, errors);
                        }
                    }

                    break;
                default:
                    errors.Add(Err.Invalid("spec.updateStrategy", Js.Render(strategy), "must be 'RollingUpdate' or 'OnDelete'"));
                    break;
            }
        }

        if (spec["persistentVolumeClaimRetentionPolicy"] is JsonObject retention)
        {
            foreach (var field in new[] { "whenDeleted", "whenScaled" })
            {
                var value = retention.Text(field);
                if (value.Length > 0 && value is not ("Retain" or "Delete"))
                {
                    errors.Add(Err.NotSupported($"spec.persistentVolumeClaimRetentionPolicy.{field}", value, "Retain", "Delete"));
                }
            }
        }

        Err.NonNegative(errors, "spec.replicas", spec.Num("replicas"));
        Err.NonNegative(errors, "spec.minReadySeconds", spec.Num("minReadySeconds"));
        if (spec["ordinals"] is JsonObject ordinals)
        {
            Err.NonNegative(errors, "spec.ordinals.start", ordinals.Num("start"));
        }

        var kind = WorkloadRules.Selector(spec, "spec", "empty selector is invalid for statefulset", errors);
        var template = spec.Obj("template");
        if (kind == Labels.SelectorKind.Invalid)
        {
            errors.Add(Err.Invalid("spec.selector", Js.Render(spec["selector"]), ""));
        }
        else
        {
            WorkloadRules.TemplateMatches(spec["selector"], kind, template, "spec.template", errors);
            var meta = template.Obj("metadata");
            Labels.ValidateLabels(meta?["labels"], "spec.template.labels", errors);
            Labels.ValidateAnnotations(meta?["annotations"], "spec.template.annotations", errors);
        }

        WorkloadRules.AlwaysRestart(template, "spec.template", "StatefulSet", errors);
        if (old is not null)
        {
            var now = Js.Clone(spec);
            var before = Js.Clone(old.Obj("spec"));
            foreach (var field in Mutable)
            {
                now.Remove(field);
                before.Remove(field);
            }

            if (!Js.Same(now, before))
            {
                errors.Add(Err.Forbidden("spec", "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
            }
        }

        return errors;
    }
}
