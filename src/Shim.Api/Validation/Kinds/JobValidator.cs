using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>batch/v1 Job: ValidateJob and ValidateJobUpdate (selector, template, counts, policies).</summary>
public static class JobValidator
{
    private const int MaxParallelismForIndexedJob = 100000;
    private const int MaxFailedIndexes = 100_000;
    private static readonly string[] FailurePolicyActions = ["Count", "FailIndex", "FailJob", "Ignore"];
    private static readonly string[] ConditionStatuses = ["False", "True", "Unknown"];

    public static List<FieldError> Validate(JsonObject obj, JsonObject? old)
    {
        var errors = new List<FieldError>();
        var spec = obj.Obj("spec") ?? [];
        var manual = spec.Flag("manualSelector");
        var generated = !manual && !spec.IsSet("selector");
        if (old is null)
        {
            GeneratedSelector(obj, spec, manual, errors);
        }

        ValidateSpec(spec, "spec", errors);
        if (!generated)
        {
            var selector = spec["selector"];
            if (selector is null)
            {
                errors.Add(Err.Required("spec.selector"));
            }
            else
            {
                Labels.ValidateLabelSelector(selector, "spec.selector", errors);
            }

            var kind = Labels.Classify(selector);
            if (kind != Labels.SelectorKind.Invalid && kind != Labels.SelectorKind.Everything)
            {
                var labels = PodTemplateValidator.TemplateLabels(spec.Obj("template"));
                if (kind == Labels.SelectorKind.Nothing || !Labels.Matches(selector, labels))
                {
                    errors.Add(Err.Invalid("spec.template.metadata.labels", Js.RenderMap(labels), "`selector` does not match template `labels`"));
                }
            }
        }

        if (old is null && spec.Text("completionMode") == "Indexed" && spec.Num("completions") is > 0 and var completions)
        {
            var name = obj.Obj("metadata").Text("name");
            var hostname = $"{name}-{completions - 1}";
            if (name.Length > 0 && Formats.Dns1123Label(hostname).Count > 0)
            {
                errors.Add(Err.Invalid("metadata.name", name, $"will not able to create pod with invalid DNS label: {hostname}"));
            }
        }

        if (old is not null)
        {
            ValidateUpdate(spec, old, errors);
        }

        return errors;
    }

    private static void GeneratedSelector(JsonObject obj, JsonObject spec, bool manual, List<FieldError> errors)
    {
        var uid = obj.Obj("metadata").Text("uid");
        if (manual || spec["selector"] is not JsonObject selector || uid.Length == 0)
        {
            return;
        }

        var name = obj.Obj("metadata").Text("name");
        var labels = PodTemplateValidator.TemplateLabels(spec.Obj("template"));
        var expected = new JsonObject();
        foreach (var (key, value) in new[] { ("controller-uid", uid), ("job-name", name), ("batch.kubernetes.io/controller-uid", uid), ("batch.kubernetes.io/job-name", name) })
        {
            expected[key] = value;
            var actual = labels?.TextOrNull(key);
            if (actual is null)
            {
                errors.Add(Err.Required($"spec.template.metadata.labels[{key}]", $"must be '{value}'"));
            }
            else if (actual != value)
            {
                errors.Add(Err.Invalid($"spec.template.metadata.labels[{key}]", Js.RenderMap(labels), $"must be '{value}'"));
            }
        }

        if (Labels.Classify(selector) != Labels.SelectorKind.Invalid && !Labels.Matches(selector, expected))
        {
            errors.Add(Err.Invalid("spec.selector", Js.Render(selector), "`selector` not auto-generated"));
        }
    }

    /// <summary>validateJobSpec (shared with CronJob job templates).</summary>
    public static void ValidateSpec(JsonObject spec, string path, List<FieldError> errors)
    {
        foreach (var field in new[] { "parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished", "backoffLimitPerIndex" })
        {
            Err.NonNegative(errors, $"{path}.{field}", spec.Num(field));
        }

        var maxFailed = spec.Num("maxFailedIndexes");
        if (maxFailed is not null)
        {
            Err.NonNegative(errors, path + ".maxFailedIndexes", maxFailed);
            if (!spec.IsSet("backoffLimitPerIndex"))
            {
                errors.Add(Err.Required(path + ".backoffLimitPerIndex", "when maxFailedIndexes is specified"));
            }
        }

        if (spec.TextOrNull("managedBy") is { } managedBy)
        {
            Formats.DomainPrefixedPath(errors, path + ".managedBy", managedBy);
            if (managedBy.Length > 63)
            {
                errors.Add(Err.TooLongMaxLength(path + ".managedBy", 63));
            }
        }

        var mode = spec.TextOrNull("completionMode");
        var indexed = mode == "Indexed";
        if (mode is not null)
        {
            if (mode is not ("NonIndexed" or "Indexed"))
            {
                errors.Add(Err.NotSupported(path + ".completionMode", mode, "NonIndexed", "Indexed"));
            }

            if (indexed)
            {
                var completions = spec.Num("completions");
                if (completions is null)
                {
                    errors.Add(Err.Required(path + ".completions", "when completion mode is Indexed"));
                }

                if (spec.Num("parallelism") is > MaxParallelismForIndexedJob and var parallelism)
                {
                    errors.Add(Err.Invalid(path + ".parallelism", parallelism, $"must be less than or equal to {MaxParallelismForIndexedJob} when completion mode is Indexed"));
                }

                if (completions is not null && maxFailed > completions)
                {
                    errors.Add(Err.Invalid(path + ".maxFailedIndexes", maxFailed, "must be less than or equal to completions"));
                }

                if (maxFailed > MaxFailedIndexes)
                {
                    errors.Add(Err.Invalid(path + ".maxFailedIndexes", maxFailed, $"must be less than or equal to {MaxFailedIndexes}"));
                }
            }
        }

        if (!indexed)
        {
            if (spec.Num("backoffLimitPerIndex") is { } perIndex)
            {
                errors.Add(Err.Invalid(path + ".backoffLimitPerIndex", perIndex, "requires indexed completion mode"));
            }

            if (maxFailed is not null)
            {
                errors.Add(Err.Invalid(path + ".maxFailedIndexes", maxFailed, "requires indexed completion mode"));
            }
        }

        if (spec["podFailurePolicy"] is JsonObject failurePolicy)
        {
            PodFailurePolicy(spec, failurePolicy, path + ".podFailurePolicy", errors);
        }

        if (spec["successPolicy"] is JsonObject successPolicy)
        {
            if (!indexed)
            {
                errors.Add(Err.Invalid(path + ".successPolicy", Js.Render(successPolicy), "requires indexed completion mode"));
            }
            else
            {
                var rules = successPolicy.List("rules");
                if (rules.Count == 0)
                {
                    errors.Add(Err.Required(path + ".successPolicy.rules", "at least one rules must be specified when the successPolicy is specified"));
                }

                if (rules.Count > 20)
                {
                    errors.Add(Err.TooMany(path + ".successPolicy.rules", rules.Count, 20));
                }

                for (var i = 0; i < rules.Count; i++)
                {
                    var rule = rules[i];
                    var rp = $"{path}.successPolicy.rules[{i}]";
                    if (!rule.IsSet("succeededCount") && !rule.IsSet("succeededIndexes"))
                    {
                        errors.Add(Err.Required(rp, "at least one of succeededCount or succeededIndexes must be specified"));
                    }

                    if (rule.Num("succeededCount") is { } count)
                    {
                        Err.NonNegative(errors, rp + ".succeededCount", count);
                        if (spec.Num("completions") is { } completions && count > completions)
                        {
                            errors.Add(Err.Invalid(rp + ".succeededCount", count, $"must be less than or equal to {completions} (the number of specified completions)"));
                        }
                    }
                }
            }
        }

        if (spec.TextOrNull("podReplacementPolicy") is { } replacement)
        {
            if (spec.IsSet("podFailurePolicy"))
            {
                if (replacement != "Failed")
                {
                    errors.Add(Err.NotSupported(path + ".podReplacementPolicy", replacement, "Failed"));
                }
            }
            else if (replacement is not ("Failed" or "TerminatingOrFailed"))
            {
                errors.Add(Err.NotSupported(path + ".podReplacementPolicy", replacement, "Failed", "TerminatingOrFailed"));
            }
        }

        var template = spec.Obj("template");
        PodTemplateValidator.Validate(template, path + ".template", errors);
        var restart = template.Obj("spec").Text("restartPolicy");
        var restartPath = path + ".template.spec.restartPolicy";
        if (restart is "Always" or "")
        {
            errors.Add(Err.Required(restartPath, "valid values: \"OnFailure\", \"Never\""));
        }
        else if (restart is not ("OnFailure" or "Never"))
        {
            errors.Add(Err.NotSupported(restartPath, restart, "OnFailure", "Never"));
        }
        else if (spec.IsSet("podFailurePolicy") && restart != "Never")
        {
            errors.Add(Err.Invalid(restartPath, restart, "only \"Never\" is supported when podFailurePolicy is specified"));
        }
    }

    private static void PodFailurePolicy(JsonObject spec, JsonObject policy, string path, List<FieldError> errors)
    {
        var rules = policy.List("rules");
        var rulesPath = path + ".rules";
        if (rules.Count > 20)
        {
            errors.Add(Err.TooMany(rulesPath, rules.Count, 20));
        }

        var templateSpec = spec.Obj("template").Obj("spec");
        var containerNames = templateSpec.List("containers").Concat(templateSpec.List("initContainers")).Select(c => c.Text("name")).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i] as JsonObject ?? [];
            var rp = $"{rulesPath}[{i}]";
            var action = rule.Text("action");
            if (action.Length == 0)
            {
                errors.Add(Err.Required(rp + ".action", "valid values: [\"Count\" \"FailIndex\" \"FailJob\" \"Ignore\"]"));
            }
            else if (action == "FailIndex")
            {
                if (!spec.IsSet("backoffLimitPerIndex"))
                {
                    errors.Add(Err.Invalid(rp + ".action", action, "requires the backoffLimitPerIndex to be set"));
                }
            }
            else if (!FailurePolicyActions.Contains(action))
            {
                errors.Add(Err.NotSupported(rp + ".action", action, FailurePolicyActions));
            }

            var onExit = rule.Obj("onExitCodes");
            var onConditions = rule.List("onPodConditions");
            if (onExit is not null)
            {
                OnExitCodes(onExit, rp + ".onExitCodes", containerNames, errors);
            }

            if (onConditions.Count > 0)
            {
                var cp = rp + ".onPodConditions";
                if (onConditions.Count > 20)
                {
                    errors.Add(Err.TooMany(cp, onConditions.Count, 20));
                }

                for (var j = 0; j < onConditions.Count; j++)
                {
                    var pattern = onConditions[j];
                    var type = pattern.Text("type");
                    Err.InvalidEach(errors, $"{cp}[{j}].type", type, Formats.QualifiedName(type));
                    var status = pattern.Text("status");
                    if (status.Length == 0)
                    {
                        errors.Add(Err.Required($"{cp}[{j}].status", "valid values: [\"False\" \"True\" \"Unknown\"]"));
                    }
                    else if (!ConditionStatuses.Contains(status))
                    {
                        errors.Add(Err.NotSupported($"{cp}[{j}].status", status, ConditionStatuses));
                    }
                }
            }

            if (onExit is not null && onConditions.Count > 0)
            {
                errors.Add(new FieldError("FieldValueInvalid", rp, "Invalid value", null, "specifying both OnExitCodes and OnPodConditions is not supported", false));
            }

            if (onExit is null && onConditions.Count == 0)
            {
                errors.Add(new FieldError("FieldValueInvalid", rp, "Invalid value", null, "specifying one of OnExitCodes and OnPodConditions is required", false));
            }
        }
    }

    private static void OnExitCodes(JsonObject onExit, string path, HashSet<string> containerNames, List<FieldError> errors)
    {
        var op = onExit.Text("operator");
        if (op.Length == 0)
        {
            errors.Add(Err.Required(path + ".operator", "valid values: [\"In\" \"NotIn\"]"));
        }
        else if (op is not ("In" or "NotIn"))
        {
            errors.Add(Err.NotSupported(path + ".operator", op, "In", "NotIn"));
        }

        if (onExit.TextOrNull("containerName") is { } container && !containerNames.Contains(container))
        {
            errors.Add(Err.Invalid(path + ".containerName", container, "must be one of the container or initContainer names in the pod template"));
        }

        var values = onExit.List("values").Select(Js.AsLong).ToList();
        var vp = path + ".values";
        if (values.Count == 0)
        {
            errors.Add(Err.Invalid(vp, Js.Render(onExit["values"]), "at least one value is required"));
        }
        else if (values.Count > 255)
        {
            errors.Add(Err.TooMany(vp, values.Count, 255));
        }

        var ordered = true;
        var unique = new HashSet<long>();
        for (var j = 0; j < values.Count; j++)
        {
            var value = values[j] ?? 0;
            if (op == "In" && value == 0)
            {
                errors.Add(Err.Invalid($"{vp}[{j}]", value, "must not be 0 for the In operator"));
            }

            if (!unique.Add(value))
            {
                errors.Add(Err.Duplicate($"{vp}[{j}]", value));
            }

            if (j > 0 && (values[j - 1] ?? 0) > value)
            {
                ordered = false;
            }
        }

        if (!ordered)
        {
            errors.Add(Err.Invalid(vp, Js.Render(onExit["values"]), "must be ordered"));
        }
    }

    private static void ValidateUpdate(JsonObject spec, JsonObject old, List<FieldError> errors)
    {
        var oldSpec = old.Obj("spec") ?? [];
        var indexed = spec.Text("completionMode") == "Indexed";
        if (!Js.Same(spec["completions"], oldSpec["completions"]))
        {
            if (!indexed)
            {
                errors.Add(Err.ImmutableField("spec.completions", spec.Num("completions")));
            }
            else if (spec.Num("completions") is { } completions && completions != spec.Num("parallelism"))
            {
                errors.Add(Err.Invalid("spec.completions", completions, "can only be modified in tandem with spec.parallelism"));
            }
        }

        if (!Js.Same(spec["selector"], oldSpec["selector"]) && oldSpec["selector"] is not null)
        {
            errors.Add(Err.ImmutableField("spec.selector", Js.Render(spec["selector"])));
        }

        var template = Js.Clone(spec.Obj("template"));
        var oldTemplate = Js.Clone(oldSpec.Obj("template"));
        var suspended = oldSpec.Flag("suspend") && old.Obj("status").TextOrNull("startTime") is null;
        if (suspended)
        {
            foreach (var (section, field) in new[] { ("metadata", "labels"), ("metadata", "annotations"), ("spec", "nodeSelector"), ("spec", "tolerations"), ("spec", "schedulingGates") })
            {
                template.Obj(section)?.Remove(field);
                oldTemplate.Obj(section)?.Remove(field);
            }

            template.Obj("spec").Obj("affinity")?.Remove("nodeAffinity");
            oldTemplate.Obj("spec").Obj("affinity")?.Remove("nodeAffinity");
        }

        if (!Js.Same(template, oldTemplate))
        {
            errors.Add(Err.ImmutableField("spec.template", Js.Render(spec["template"])));
        }

        if ((spec.TextOrNull("completionMode") ?? "NonIndexed") != (oldSpec.TextOrNull("completionMode") ?? "NonIndexed"))
        {
            errors.Add(Err.ImmutableField("spec.completionMode", spec.TextOrNull("completionMode") ?? "NonIndexed"));
        }

        foreach (var field in new[] { "podFailurePolicy", "backoffLimitPerIndex", "managedBy", "successPolicy" })
        {
            if (!Js.Same(spec[field], oldSpec[field]))
            {
                errors.Add(Err.ImmutableField("spec." + field, spec[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : Js.Render(spec[field])));
            }
        }
    }
}
