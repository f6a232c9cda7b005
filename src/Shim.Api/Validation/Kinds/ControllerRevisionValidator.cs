using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>apps/v1 ControllerRevision: data is mandatory and immutable, revision is non-negative.</summary>
public static class ControllerRevisionValidator
{
    public static List<FieldError> Validate(JsonObject obj, JsonObject? old)
    {
        var errors = new List<FieldError>();
        if (obj["data"] is null)
        {
            errors.Add(Err.Required("data", "data is mandatory"));
        }

        Err.NonNegative(errors, "revision", obj.Num("revision"));
        if (old is not null && !Js.Same(obj["data"], old["data"]))
        {
            errors.Add(Err.ImmutableField("data", Js.Render(obj["data"])));
        }

        return errors;
    }
}
