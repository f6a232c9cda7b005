using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>ValidatePodTemplateSpec: template labels and annotations plus the pod spec, as embedded in workloads.</summary>
public static class PodTemplateValidator
{
    public static void Validate(JsonObject? template, string path, List<FieldError> errors)
    {
        template ??= [];
        var meta = template.Obj("metadata");
        Labels.ValidateLabels(meta?["labels"], path + ".labels", errors);
        Labels.ValidateAnnotations(meta?["annotations"], path + ".annotations", errors);
        var spec = template.Obj("spec") ?? [];
        PodSpecValidator.Validate(spec, path + ".spec", new PodContext { IsPod = false }, errors);
        if (spec.HasItems("ephemeralContainers"))
        {
            errors.Add(Err.Forbidden(path + ".spec.ephemeralContainers", "ephemeral containers not allowed in pod template"));
        }
    }

    /// <summary>The template's restartPolicy as defaulting leaves it (empty means Always).</summary>
    public static string RestartPolicy(JsonObject? template)
    {
        var policy = template.Obj("spec").Text("restartPolicy");
        return policy.Length == 0 ? "Always" : policy;
    }

    public static JsonObject? TemplateLabels(JsonObject? template) => template.Obj("metadata").Obj("labels");
}
