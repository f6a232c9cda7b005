using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>core/v1 Event (legacy validation): namespaces agree; new-style events carry reporting fields.</summary>
public static class EventValidator
{
    public static List<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        var ns = obj.Obj("metadata").Text("namespace");
        var involvedNs = obj.Obj("involvedObject").Text("namespace");
        if (obj.TextOrNull("eventTime") is not { Length: > 0 })
        {
            if (involvedNs.Length == 0 ? ns is not ("" or "default") : ns != involvedNs)
            {
                errors.Add(Err.Invalid("involvedObject.namespace", involvedNs, "does not match event.namespace"));
            }
        }
        else
        {
            if (involvedNs.Length == 0 && ns is not ("default" or "kube-system"))
            {
                errors.Add(Err.Invalid("involvedObject.namespace", involvedNs, "does not match event.namespace"));
            }

            var controller = obj.Text("reportingComponent");
            if (controller.Length == 0)
            {
                errors.Add(Err.Required("reportingComponent"));
            }

            Err.InvalidEach(errors, "reportingComponent", controller, Formats.QualifiedName(controller));
            Limit(obj, "reportingInstance", 128, errors);
            Limit(obj, "action", 128, errors);
            Limit(obj, "reason", 128, errors);
            if (obj.Text("message").Length > 1024)
            {
                errors.Add(Err.Invalid("message", "", "can have at most 1024 characters"));
            }
        }

        return errors;
    }

    private static void Limit(JsonObject obj, string field, int max, List<FieldError> errors)
    {
        var value = obj.Text(field);
        if (value.Length == 0)
        {
            errors.Add(Err.Required(field));
        }

        if (value.Length > max)
        {
            errors.Add(Err.Invalid(field, "", $"can have at most {max} characters"));
        }
    }
}
