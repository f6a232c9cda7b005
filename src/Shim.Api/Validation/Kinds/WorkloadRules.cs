using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>Rules shared by the apps workloads: selector checks, template matching, restartPolicy, immutable selector.</summary>
public static class WorkloadRules
{
    /// <summary>
    /// Required/strict selector validation plus "empty selector is invalid for X"; returns how the selector reads.
    /// </summary>
    public static Labels.SelectorKind Selector(JsonObject spec, string path, string emptyText, List<FieldError> errors, bool required = true)
    {
        var selector = spec["selector"];
        if (selector is not JsonObject s)
        {
            if (required)
            {
                errors.Add(Err.Required(path + ".selector"));
            }
        }
        else
        {
            Labels.ValidateLabelSelector(s, path + ".selector", errors);
            if (s.Obj("matchLabels") is not { Count: > 0 } && s.List("matchExpressions").Count == 0)
            {
                errors.Add(Err.Invalid(path + ".selector", Js.Render(s), emptyText));
            }
        }

        return Labels.Classify(selector);
    }

    /// <summary>"`selector` does not match template `labels`" unless the selector selects everything.</summary>
    public static void TemplateMatches(JsonNode? selector, Labels.SelectorKind kind, JsonObject? template, string templatePath, List<FieldError> errors)
    {
        if (kind is Labels.SelectorKind.Everything or Labels.SelectorKind.Invalid)
        {
            return;
        }

        var labels = PodTemplateValidator.TemplateLabels(template);
        if (kind == Labels.SelectorKind.Nothing || !Labels.Matches(selector, labels))
        {
            errors.Add(Err.Invalid(templatePath + ".metadata.labels", Js.RenderMap(labels), "`selector` does not match template `labels`"));
        }
    }

    /// <summary>Template restartPolicy must be Always (defaulted when empty); activeDeadlineSeconds is not supported.</summary>
    public static void AlwaysRestart(JsonObject? template, string templatePath, string kindName, List<FieldError> errors, bool forbidDeadline = true)
    {
        var policy = template.Obj("spec").Text("restartPolicy");
        if (policy.Length > 0 && policy != "Always")
        {
            errors.Add(Err.NotSupported(templatePath + ".spec.restartPolicy", policy, "Always"));
        }

        if (forbidDeadline && template.Obj("spec").IsSet("activeDeadlineSeconds"))
        {
            errors.Add(Err.Forbidden(templatePath + ".spec.activeDeadlineSeconds", $"activeDeadlineSeconds in {kindName} is not Supported"));
        }
    }

    /// <summary>apps/v1 strategies reject selector changes: "spec.selector: Invalid value: ...: field is immutable".</summary>
    public static void ImmutableSelector(JsonObject obj, JsonObject? old, List<FieldError> errors)
    {
        if (old is null)
        {
            return;
        }

        var now = obj.Obj("spec")?["selector"];
        var before = old.Obj("spec")?["selector"];
        if (!Js.Same(now, before))
        {
            errors.Add(Err.ImmutableField("spec.selector", Js.Render(now)));
        }
    }
}
