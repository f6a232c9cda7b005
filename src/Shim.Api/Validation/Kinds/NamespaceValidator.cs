using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>core/v1 Namespace: spec.finalizers are qualified names, standard when unprefixed.</summary>
public static class NamespaceValidator
{
    private static readonly HashSet<string> StandardFinalizers = ["kubernetes", "orphan", "foregroundDeletion"];

    public static List<FieldError> Validate(JsonObject obj, JsonObject? old)
    {
        var errors = new List<FieldError>();
        if (old is not null)
        {
            return errors;
        }

        foreach (var finalizer in obj.Obj("spec").List("finalizers"))
        {
            FinalizerName(Js.AsText(finalizer) ?? "", "spec.finalizers", errors);
        }

        return errors;
    }

    public static void FinalizerName(string name, string path, List<FieldError> errors)
    {
        Err.InvalidEach(errors, path, name, Formats.QualifiedName(name));
        if (!name.Contains('/') && !StandardFinalizers.Contains(name))
        {
            errors.Add(Err.Invalid(path, name, "name is neither a standard finalizer name nor is it fully qualified"));
        }
    }
}
