using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>networking.k8s.io/v1 IngressClass: controller (immutable) and parameters.</summary>
public static class IngressClassValidator
{
    public static List<FieldError> Validate(JsonObject obj, JsonObject? old)
    {
        var errors = new List<FieldError>();
        var spec = obj.Obj("spec") ?? [];
        var controller = spec.Text("controller");
        if (old is not null && controller != old.Obj("spec").Text("controller"))
        {
            errors.Add(Err.ImmutableField("spec.controller", controller));
        }

        if (controller.Length > 250)
        {
            errors.Add(Err.TooLong("spec.controller", 250));
        }

        Formats.DomainPrefixedPath(errors, "spec.controller", controller);
        if (spec["parameters"] is JsonObject parameters)
        {
            IngressValidator.TypedLocalObjectReference(parameters, "spec.parameters", errors);
            var scope = parameters.TextOrNull("scope") ?? "Cluster";
            if (scope is not ("Cluster" or "Namespace"))
            {
                errors.Add(Err.NotSupported("spec.parameters.scope", scope, "Cluster", "Namespace"));
            }
            else if (scope == "Namespace")
            {
                if (parameters.TextOrNull("namespace") is not { } ns)
                {
                    errors.Add(Err.Required("spec.parameters.namespace", "`parameters.scope` is set to 'Namespace'"));
                }
                else
                {
                    Err.InvalidEach(errors, "spec.parameters.namespace", ns, Formats.Dns1123Label(ns));
                }
            }
            else if (parameters.IsSet("namespace"))
            {
                errors.Add(Err.Forbidden("spec.parameters.namespace", "`parameters.scope` is set to 'Cluster'"));
            }
        }

        return errors;
    }
}
