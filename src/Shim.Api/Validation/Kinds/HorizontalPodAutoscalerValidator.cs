using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>autoscaling/v2 HorizontalPodAutoscaler: replica bounds, scale target, metrics and behavior.</summary>
public static class HorizontalPodAutoscalerValidator
{
    private static readonly string[] MetricTypes = ["ContainerResource", "External", "Object", "Pods", "Resource"];

    public static List<FieldError> Validate(JsonObject obj, JsonObject? old)
    {
        var errors = new List<FieldError>();
        var spec = obj.Obj("spec") ?? [];
        var lowerBound = old?.Obj("spec").Num("minReplicas") == 0 ? 0 : 1;
        var min = spec.Num("minReplicas");
        var max = spec.Num("maxReplicas") ?? 0;
        if (min is { } m && m < lowerBound)
        {
            errors.Add(Err.Invalid("spec.minReplicas", m, $"must be greater than or equal to {lowerBound}"));
        }

        if (max < 1)
        {
            errors.Add(Err.Invalid("spec.maxReplicas", max, "must be greater than 0"));
        }

        if (min is { } mm && max < mm)
        {
            errors.Add(Err.Invalid("spec.maxReplicas", max, "must be greater than or equal to `minReplicas`"));
        }

        CrossVersionObjectReference(spec.Obj("scaleTargetRef"), "spec.scaleTargetRef", errors);
        var metrics = spec.List("metrics");
        var hasObjectOrExternal = false;
        for (var i = 0; i < metrics.Count; i++)
        {
            Metric(metrics[i] as JsonObject ?? [], $"spec.metrics[{i}]", errors);
            hasObjectOrExternal |= metrics[i].Text("type") is "Object" or "External";
        }

        if (min == 0 && !hasObjectOrExternal)
        {
            errors.Add(Err.Forbidden("spec.metrics", "must specify at least one Object or External metric to support scaling to zero replicas"));
        }

        if (spec["behavior"] is JsonObject behavior)
        {
            Rules(behavior.Obj("scaleUp"), "spec.behavior.scaleUp", errors);
            Rules(behavior.Obj("scaleDown"), "spec.behavior.scaleDown", errors);
        }

        return errors;
    }

    private static void CrossVersionObjectReference(JsonObject? reference, string path, List<FieldError> errors)
    {
        foreach (var field in new[] { "kind", "name" })
        {
            var value = reference.Text(field);
            if (value.Length == 0)
            {
                errors.Add(Err.Required($"{path}.{field}"));
            }
            else
            {
                Err.InvalidEach(errors, $"{path}.{field}", value, Formats.PathSegmentName(value));
            }
        }
    }

    private static void Rules(JsonObject? rules, string path, List<FieldError> errors)
    {
        if (rules is null)
        {
            return;
        }

        if (rules.Num("stabilizationWindowSeconds") is { } window)
        {
            if (window < 0)
            {
                errors.Add(Err.Invalid(path + ".stabilizationWindowSeconds", window, "must be greater than or equal to zero"));
            }

            if (window > 3600)
            {
                errors.Add(Err.Invalid(path + ".stabilizationWindowSeconds", window, "must be less than or equal to 3600"));
            }
        }

        if (rules.TextOrNull("selectPolicy") is { } select && select is not ("Max" or "Min" or "Disabled"))
        {
            errors.Add(Err.NotSupported(path + ".selectPolicy", select, "Disabled", "Max", "Min"));
        }

        if (rules["policies"] is JsonArray { Count: 0 })
        {
            errors.Add(Err.Required(path + ".policies", "must specify at least one Policy"));
        }

        var policies = rules.List("policies");
        for (var i = 0; i < policies.Count; i++)
        {
            var p = $"{path}.policies[{i}]";
            var type = policies[i].Text("type");
            if (type is not ("Pods" or "Percent"))
            {
                errors.Add(Err.NotSupported(p + ".type", type, "Percent", "Pods"));
            }

            var value = policies[i].Num("value") ?? 0;
            if (value <= 0)
            {
                errors.Add(Err.Invalid(p + ".value", value, "must be greater than zero"));
            }

            var period = policies[i].Num("periodSeconds") ?? 0;
            if (period <= 0)
            {
                errors.Add(Err.Invalid(p + ".periodSeconds", period, "must be greater than zero"));
            }

            if (period > 1800)
            {
                errors.Add(Err.Invalid(p + ".periodSeconds", period, "must be less than or equal to 1800"));
            }
        }
    }

    private static void Metric(JsonObject spec, string path, List<FieldError> errors)
    {
        var type = spec.Text("type");
        if (type.Length == 0)
        {
            errors.Add(Err.Required(path + ".type", "must specify a metric source type"));
        }

        if (!MetricTypes.Contains(type))
        {
            errors.Add(Err.NotSupported(path + ".type", type, MetricTypes));
        }

        var present = new List<string>();
        foreach (var source in new[] { "object", "external", "pods", "resource", "containerResource" })
        {
            if (spec[source] is not JsonObject s)
            {
                continue;
            }

            present.Add(source);
            if (present.Count == 1)
            {
                Source(source, s, $"{path}.{source}", errors);
            }
        }

        var expected = type switch
        {
            "Object" => "object",
            "Pods" => "pods",
            "Resource" => "resource",
            "External" => "external",
            "ContainerResource" => "containerResource",
            _ => null,
        };
        if (expected is not null && !spec.IsSet(expected))
        {
            errors.Add(Err.Required($"{path}.{expected}", "must populate information for the given metric source"));
        }

        if (present.Count != 1)
        {
            foreach (var extra in present.Where(s => s != expected))
            {
                errors.Add(Err.Forbidden($"{path}.{extra}", "must populate the given metric source only"));
            }
        }
    }

    private static void Source(string kind, JsonObject source, string path, List<FieldError> errors)
    {
        var target = source.Obj("target") ?? [];
        switch (kind)
        {
            case "object":
                CrossVersionObjectReference(source.Obj("describedObject"), path + ".describedObject", errors);
                MetricIdentifier(source.Obj("metric"), path + ".metric", errors);
                Target(target, path + ".target", errors);
                if (!target.IsSet("value") && !target.IsSet("averageValue"))
                {
                    errors.Add(Err.Required(path + ".target.averageValue", "must set either a target value or averageValue"));
                }

                break;
            case "external":
                MetricIdentifier(source.Obj("metric"), path + ".metric", errors);
                Target(target, path + ".target", errors);
                if (!target.IsSet("value") && !target.IsSet("averageValue"))
                {
                    errors.Add(Err.Required(path + ".target.averageValue", "must set either a target value for metric or a per-pod target"));
                }

                if (target.IsSet("value") && target.IsSet("averageValue"))
                {
                    errors.Add(Err.Forbidden(path + ".target.value", "may not set both a target value for metric and a per-pod target"));
                }

                break;
            case "pods":
                MetricIdentifier(source.Obj("metric"), path + ".metric", errors);
                Target(target, path + ".target", errors);
                if (!target.IsSet("averageValue"))
                {
                    errors.Add(Err.Required(path + ".target.averageValue", "must specify a positive target averageValue"));
                }

                break;
            default:
                var name = source.Text("name");
                if (name.Length == 0)
                {
                    errors.Add(Err.Required(path + ".name", "must specify a resource name"));
                }
                else if (kind == "containerResource")
                {
                    ResourceRequirementsValidator.ValidateContainerResourceName(name, path + ".name", errors);
                }

                if (kind == "containerResource")
                {
                    var container = source.Text("container");
                    if (container.Length == 0)
                    {
                        errors.Add(Err.Required(path + ".container", "must specify a container"));
                    }
                    else
                    {
                        Err.InvalidEach(errors, path + ".container", container, Formats.Dns1123Label(container));
                    }
                }

                Target(target, path + ".target", errors);
                if (!target.IsSet("averageUtilization") && !target.IsSet("averageValue"))
                {
                    errors.Add(Err.Required(path + ".target.averageUtilization", "must set either a target raw value or a target utilization"));
                }

                if (target.IsSet("averageUtilization") && target.IsSet("averageValue"))
                {
                    errors.Add(Err.Forbidden(path + ".target.averageValue", "may not set both a target raw value and a target utilization"));
                }

                break;
        }
    }

    private static void Target(JsonObject target, string path, List<FieldError> errors)
    {
        var type = target.Text("type");
        if (type.Length == 0)
        {
            errors.Add(Err.Required(path + ".type", "must specify a metric target type"));
        }

        if (type is not ("Utilization" or "Value" or "AverageValue"))
        {
            errors.Add(Err.Invalid(path + ".type", type, "must be either Utilization, Value, or AverageValue"));
        }

        foreach (var field in new[] { "value", "averageValue" })
        {
            if (target[field] is { } node && (!Quantity.TryRead(node, out var q) || q.Sign != 1))
            {
                errors.Add(Err.Invalid($"{path}.{field}", new RawValue(Js.AsText(node) ?? "null"), "must be positive"));
            }
        }

        if (target.Num("averageUtilization") is { } utilization && utilization < 1)
        {
            errors.Add(Err.Invalid(path + ".averageUtilization", utilization, "must be greater than 0"));
        }
    }

    private static void MetricIdentifier(JsonObject? id, string path, List<FieldError> errors)
    {
        var name = id.Text("name");
        if (name.Length == 0)
        {
            errors.Add(Err.Required(path + ".name", "must specify a metric name"));
        }
        else
        {
            Err.InvalidEach(errors, path + ".name", name, Formats.PathSegmentName(name));
        }

        if (id?["selector"] is JsonObject selector)
        {
            Labels.ValidateLabelSelector(selector, path + ".selector", errors);
        }
    }
}
