using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>core/v1 ResourceQuota: hard resource names and quantities, scopes, scope selectors.</summary>
public static class ResourceQuotaValidator
{
    private static readonly HashSet<string> Scopes = ["Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity", "VolumeAttributesClass"];

    public static List<FieldError> Validate(JsonObject obj, JsonObject? old)
    {
        var errors = new List<FieldError>();
        var spec = obj.Obj("spec") ?? [];
        foreach (var (name, value) in spec.Obj("hard") ?? [])
        {
            var p = $"spec.hard[{name}]";
            if (ResourceRequirementsValidator.ValidateResourceName(name, p, errors) && !name.Contains('/') && !IsStandardQuota(name))
            {
                errors.Add(Err.Invalid(p, name, "must be a standard resource for quota"));
            }

            ResourceRequirementsValidator.ValidateQuantity(name, value, p, errors, out _);
        }

        var scopes = spec.List("scopes").Select(s => Js.AsText(s) ?? "").ToList();
        foreach (var scope in scopes)
        {
            if (!Scopes.Contains(scope))
            {
                errors.Add(Err.Invalid("spec.scopes", Js.RenderList(scopes), "unsupported scope"));
            }
        }

        if ((scopes.Contains("BestEffort") && scopes.Contains("NotBestEffort")) || (scopes.Contains("Terminating") && scopes.Contains("NotTerminating")))
        {
            errors.Add(Err.Invalid("spec.scopes", Js.RenderList(scopes), "conflicting scopes"));
        }

        var expressions = spec.Obj("scopeSelector").List("matchExpressions");
        const string ep = "spec.scopeSelector.matchExpressions";
        foreach (var req in expressions)
        {
            var scopeName = req.Text("scopeName");
            var op = req.Text("operator");
            if (!Scopes.Contains(scopeName))
            {
                errors.Add(Err.Invalid(ep + ".scopeName", scopeName, "unsupported scope"));
            }

            if (scopeName is "BestEffort" or "NotBestEffort" or "Terminating" or "NotTerminating" or "CrossNamespacePodAffinity" && op != "Exists")
            {
                errors.Add(Err.Invalid(ep + ".operator", op, "must be 'Exists' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity"));
            }

            var values = req.List("values");
            switch (op)
            {
                case "In" or "NotIn":
                    if (values.Count == 0)
                    {
                        errors.Add(Err.Required(ep + ".values", "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
                    }

                    break;
                case "Exists" or "DoesNotExist":
                    if (values.Count != 0)
                    {
                        errors.Add(Err.Invalid(ep + ".values", Js.Render(req?["values"]), "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
                    }

                    break;
                default:
                    errors.Add(Err.Invalid(ep + ".operator", op, "not a valid selector operator"));
                    break;
            }
        }

        if (old is not null)
        {
            var oldScopes = old.Obj("spec").List("scopes").Select(s => Js.AsText(s) ?? "").ToHashSet(StringComparer.Ordinal);
            if (!oldScopes.SetEquals(scopes))
            {
                errors.Add(Err.Invalid("spec.scopes", Js.RenderList(scopes), Err.Immutable));
            }
        }

        return errors;
    }

    private static bool IsStandardQuota(string name) =>
        name is "pods" or "services" or "replicationcontrollers" or "resourcequotas" or "secrets" or "configmaps" or "persistentvolumeclaims"
            or "storage" or "requests.storage" or "services.nodeports" or "services.loadbalancers" or "cpu" or "memory" or "ephemeral-storage"
            or "requests.cpu" or "requests.memory" or "requests.ephemeral-storage" or "limits.cpu" or "limits.memory" or "limits.ephemeral-storage"
        || name.StartsWith("requests.hugepages-", StringComparison.Ordinal) || name.StartsWith("hugepages-", StringComparison.Ordinal)
        || name.StartsWith("count/", StringComparison.Ordinal);
}
