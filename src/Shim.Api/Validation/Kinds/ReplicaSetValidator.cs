using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>apps/v1 ReplicaSet: ValidateReplicaSetSpec and the immutable selector.</summary>
public static class ReplicaSetValidator
{
    public static List<FieldError> Validate(JsonObject obj, JsonObject? old)
    {
        var errors = new List<FieldError>();
        var spec = obj.Obj("spec") ?? [];
        Err.NonNegative(errors, "spec.replicas", spec.Num("replicas"));
        Err.NonNegative(errors, "spec.minReadySeconds", spec.Num("minReadySeconds"));
        SelectorAndTemplate(spec, "spec", "deployment", errors);
        WorkloadRules.ImmutableSelector(obj, old, errors);
        return errors;
    }

    /// <summary>The selector and ValidatePodTemplateSpecForReplicaSet (deployments and replica sets).</summary>
    public static void SelectorAndTemplate(JsonObject spec, string path, string kindText, List<FieldError> errors)
    {
        var kind = WorkloadRules.Selector(spec, path, $"empty selector is invalid for {kindText}", errors);
        if (kind == Labels.SelectorKind.Invalid)
        {
            errors.Add(Err.Invalid(path + ".selector", Js.Render(spec["selector"]), "invalid label selector"));
            return;
        }

        var template = spec.Obj("template");
        var templatePath = path + ".template";
        WorkloadRules.TemplateMatches(spec["selector"], kind, template, templatePath, errors);
        PodTemplateValidator.Validate(template, templatePath, errors);
        WorkloadRules.AlwaysRestart(template, templatePath, "ReplicaSet", errors);
    }
}
