using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>core/v1 LimitRange: limit types, resource names and the ordering of min, default, max.</summary>
public static class LimitRangeValidator
{
    private static readonly HashSet<string> StandardTypes = ["Pod", "Container", "PersistentVolumeClaim"];

    public static List<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        var limits = obj.Obj("spec").List("limits");
        var types = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < limits.Count; i++)
        {
            var limit = limits[i] as JsonObject ?? [];
            var p = $"spec.limits[{i}]";
            var type = limit.Text("type");
            var before = errors.Count;
            Err.InvalidEach(errors, p + ".type", type, Formats.QualifiedName(type));
            if (errors.Count == before && !type.Contains('/') && !StandardTypes.Contains(type))
            {
                errors.Add(Err.Invalid(p + ".type", type, "must be a standard limit type or fully qualified"));
            }

            if (!types.Add(type))
            {
                errors.Add(Err.Duplicate(p + ".type", type));
            }

            var parts = new Dictionary<string, Dictionary<string, Quantity>>(StringComparer.Ordinal);
            foreach (var part in new[] { "max", "min", "default", "defaultRequest", "maxLimitRequestRatio" })
            {
                var values = new Dictionary<string, Quantity>(StringComparer.Ordinal);
                parts[part] = values;
                if (type == "Pod" && part is "default" or "defaultRequest")
                {
                    if (limit.HasItems(part))
                    {
                        errors.Add(Err.Forbidden($"{p}.{part}", "may not be specified when `type` is 'Pod'"));
                    }

                    continue;
                }

                foreach (var (name, value) in limit.Obj(part) ?? [])
                {
                    var rp = $"{p}.{part}[{name}]";
                    if (type is "Pod" or "Container")
                    {
                        ResourceRequirementsValidator.ValidateContainerResourceName(name, rp, errors);
                    }
                    else
                    {
                        ResourceRequirementsValidator.ValidateResourceName(name, rp, errors);
                    }

                    if (Quantity.TryRead(value, out var q))
                    {
                        values[name] = q;
                    }
                    else
                    {
                        errors.Add(Err.Invalid(rp, Js.AsText(value) ?? "null", Quantity.FormatError));
                    }
                }
            }

            if (type == "PersistentVolumeClaim" && !parts["min"].ContainsKey("storage") && !parts["max"].ContainsKey("storage"))
            {
                errors.Add(Err.Required(p + ".limits", "either minimum or maximum storage value is required, but neither was provided"));
            }

            var keys = parts.Values.SelectMany(v => v.Keys).Distinct(StringComparer.Ordinal);
            foreach (var k in keys)
            {
                var hasMin = parts["min"].TryGetValue(k, out var min);
                var hasMax = parts["max"].TryGetValue(k, out var max);
                var hasDefault = parts["default"].TryGetValue(k, out var def);
                var hasDefaultRequest = parts["defaultRequest"].TryGetValue(k, out var defReq);
                var hasRatio = parts["maxLimitRequestRatio"].TryGetValue(k, out var ratio);
                if (hasMin && hasMax && min.Value > max.Value)
                {
                    errors.Add(Err.Invalid($"{p}.min[{k}]", new RawValue(min.Text), $"min value {min.Text} is greater than max value {max.Text}"));
                }

                if (hasDefaultRequest && hasMin && min.Value > defReq.Value)
                {
                    errors.Add(Err.Invalid($"{p}.defaultRequest[{k}]", new RawValue(defReq.Text), $"min value {min.Text} is greater than default request value {defReq.Text}"));
                }

                if (hasDefaultRequest && hasMax && defReq.Value > max.Value)
                {
                    errors.Add(Err.Invalid($"{p}.defaultRequest[{k}]", new RawValue(defReq.Text), $"default request value {defReq.Text} is greater than max value {max.Text}"));
                }

                if (hasDefaultRequest && hasDefault && defReq.Value > def.Value)
                {
                    errors.Add(Err.Invalid($"{p}.defaultRequest[{k}]", new RawValue(defReq.Text), $"default request value {defReq.Text} is greater than default limit value {def.Text}"));
                }

                if (hasDefault && hasMin && min.Value > def.Value)
                {
                    errors.Add(Err.Invalid($"{p}.default[{k}]", new RawValue(min.Text), $"min value {min.Text} is greater than default value {def.Text}"));
                }

                if (hasDefault && hasMax && def.Value > max.Value)
                {
                    errors.Add(Err.Invalid($"{p}.default[{k}]", new RawValue(max.Text), $"default value {def.Text} is greater than max value {max.Text}"));
                }

                if (hasRatio && ratio.Value < 1)
                {
                    errors.Add(Err.Invalid($"{p}.maxLimitRequestRatio[{k}]", new RawValue(ratio.Text), $"ratio {ratio.Text} is less than 1"));
                }

                if (!ResourceNames.IsOvercommitAllowed(k) && hasDefault && hasDefaultRequest && def.Value != defReq.Value)
                {
                    errors.Add(Err.Invalid($"{p}.defaultRequest[{k}]", new RawValue(defReq.Text), $"default value {def.Text} must equal to defaultRequest value {defReq.Text} in {k}"));
                }
            }
        }

        return errors;
    }
}
