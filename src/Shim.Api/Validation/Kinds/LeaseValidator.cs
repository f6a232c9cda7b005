using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>coordination.k8s.io/v1 Lease: positive duration, non-negative transitions, preferredHolder needs strategy.</summary>
public static class LeaseValidator
{
    public static List<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        var spec = obj.Obj("spec") ?? [];
        if (spec.Num("leaseDurationSeconds") is { } duration && duration <= 0)
        {
            errors.Add(Err.Invalid("spec.leaseDurationSeconds", duration, "must be greater than 0"));
        }

        if (spec.Num("leaseTransitions") is { } transitions && transitions < 0)
        {
            errors.Add(Err.Invalid("spec.leaseTransitions", transitions, "must be greater than or equal to 0"));
        }

        if (spec.TextOrNull("strategy") is { } strategy && strategy != "OldestEmulationVersion")
        {
            errors.Add(Err.NotSupported("spec.strategy", strategy, "OldestEmulationVersion"));
        }

        if (spec.Text("preferredHolder").Length > 0 && spec.Text("strategy").Length == 0)
        {
            errors.Add(Err.Forbidden("spec.preferredHolder", "may only be specified if `strategy` is defined"));
        }

        return errors;
    }
}
