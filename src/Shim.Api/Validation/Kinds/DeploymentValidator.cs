using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>apps/v1 Deployment: ValidateDeploymentSpec, strategy, and the immutable selector of the strategy.</summary>
public static class DeploymentValidator
{
    public static List<FieldError> Validate(JsonObject obj, JsonObject? old)
    {
        var errors = new List<FieldError>();
        var spec = obj.Obj("spec") ?? [];
        Err.NonNegative(errors, "spec.replicas", spec.Num("replicas"));
        ReplicaSetValidator.SelectorAndTemplate(spec, "spec", "deployment", errors);
        Strategy(spec.Obj("strategy"), "spec.strategy", errors);
        var minReady = spec.Num("minReadySeconds") ?? 0;
        Err.NonNegative(errors, "spec.minReadySeconds", minReady);
        Err.NonNegative(errors, "spec.revisionHistoryLimit", spec.Num("revisionHistoryLimit"));
        if (spec["rollbackTo"] is JsonObject rollback)
        {
            Err.NonNegative(errors, "spec.rollback.version", rollback.Num("revision"));
        }

        if (spec.Num("progressDeadlineSeconds") is { } deadline)
        {
            Err.NonNegative(errors, "spec.progressDeadlineSeconds", deadline);
            if (deadline <= minReady)
            {
                errors.Add(Err.Invalid("spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds"));
            }
        }

        WorkloadRules.ImmutableSelector(obj, old, errors);
        return errors;
    }

    private static void Strategy(JsonObject? strategy, string path, List<FieldError> errors)
    {
        if (strategy is null)
        {
            return;
        }

        var type = strategy.Text("type");
        switch (type)
        {
            case "Recreate":
                if (strategy.IsSet("rollingUpdate"))
                {
                    errors.Add(Err.Forbidden(path + ".rollingUpdate", "may not be specified when strategy `type` is 'Recreate'"));
                }

                break;
            case "RollingUpdate" or "":
                if (strategy["rollingUpdate"] is JsonObject rolling)
                {
                    RollingUpdate(rolling, path + ".rollingUpdate", errors);
                }

                break;
            default:
                errors.Add(Err.NotSupported(path, Js.Render(strategy), "Recreate", "RollingUpdate"));
                break;
        }
    }

    private static void RollingUpdate(JsonObject rolling, string path, List<FieldError> errors)
    {
        var maxUnavailable = rolling["maxUnavailable"] ?? JsonValue.Create("25%");
        var maxSurge = rolling["maxSurge"] ?? JsonValue.Create("25%");
        IntOrPercent.ValidatePositive(maxUnavailable, path + ".maxUnavailable", errors);
        IntOrPercent.ValidatePositive(maxSurge, path + ".maxSurge", errors);
        if (IntOrPercent.Value(maxUnavailable) == 0 && IntOrPercent.Value(maxSurge) == 0)
        {
            errors.Add(Err.Invalid(path + ".maxUnavailable", IntOrPercent.Render(maxUnavailable), "may not be 0 when `maxSurge` is 0"));
        }

        IntOrPercent.NotMoreThan100Percent(maxUnavailable, path + ".maxUnavailable", errors);
    }
}
