using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>core/v1 ReplicationController: ValidateReplicationControllerSpec (map selector, template).</summary>
public static class ReplicationControllerValidator
{
    public static List<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        var spec = obj.Obj("spec") ?? [];
        var template = spec.Obj("template");

        // The selector defaults to the template labels when empty.
        var selector = spec.Obj("selector") is { Count: > 0 } given ? given : PodTemplateValidator.TemplateLabels(template);
        Err.NonNegative(errors, "spec.minReadySeconds", spec.Num("minReadySeconds"));
        if (Labels.IsEmptyMap(selector))
        {
            errors.Add(Err.Required("spec.selector"));
        }

        Err.NonNegative(errors, "spec.replicas", spec.Num("replicas"));
        if (template is null)
        {
            errors.Add(Err.Required("spec.template"));
            return errors;
        }

        if (!Labels.IsEmptyMap(selector) && !Labels.MapMatches(selector, PodTemplateValidator.TemplateLabels(template)))
        {
            errors.Add(Err.Invalid("spec.template.metadata.labels", Js.RenderMap(PodTemplateValidator.TemplateLabels(template)), "`selector` does not match template `labels`"));
        }

        PodTemplateValidator.Validate(template, "spec.template", errors);
        var policy = template.Obj("spec").Text("restartPolicy");
        if (policy.Length > 0 && policy != "Always")
        {
            errors.Add(Err.NotSupported("spec.template.spec.restartPolicy", policy, "Always"));
        }

        if (template.Obj("spec").IsSet("activeDeadlineSeconds"))
        {
            errors.Add(Err.Forbidden("spec.template.spec.activeDeadlineSeconds", "activeDeadlineSeconds in ReplicationController is not Supported"));
        }

        return errors;
    }
}
