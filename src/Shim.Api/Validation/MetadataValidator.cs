using System.Text;
using System.Text.Json.Nodes;
using Shim.Api.Errors;
using Shim.Api.Json;
using Shim.Api.Resources;

namespace Shim.Api.Validation;

/// <summary>Validation of metadata common to every kind: name (per the kind's rule), generateName, labels, annotations.</summary>
public static class MetadataValidator
{
    private const int AnnotationsLimit = 256 * 1024;

    public static List<FieldError> Validate(ResourceDefinition definition, JsonObject obj)
    {
        var errors = new List<FieldError>();
        var name = obj.Str("metadata", "name") ?? "";
        var generateName = obj.Str("metadata", "generateName");
        if (name.Length == 0)
        {
            if (string.IsNullOrEmpty(generateName))
            {
                errors.Add(FieldError.Required("metadata.name", "name or generateName is required"));
            }
        }
        else
        {
            foreach (var problem in NameProblems(definition, name))
            {
                errors.Add(FieldError.Invalid("metadata.name", name, problem));
            }
        }

        if (definition.Namespaced && string.IsNullOrEmpty(obj.Str("metadata", "namespace")))
        {
            errors.Add(FieldError.Required("metadata.namespace"));
        }

        ValidateLabels(obj.At("metadata", "labels"), errors);
        ValidateAnnotations(obj.At("metadata", "annotations"), errors);
        return errors;
    }

    public static List<string> NameProblems(ResourceDefinition definition, string name)
    {
        var problems = definition.NameRule switch
        {
            NameRule.Dns1123Label => NameRules.Dns1123LabelProblems(name),
            NameRule.Dns1035Label => NameRules.Dns1035LabelProblems(name),
            NameRule.PathSegment => NameRules.PathSegmentProblems(name),
            _ => NameRules.Dns1123SubdomainProblems(name),
        };
        if (definition.MaxNameLength is { } max && name.Length > max)
        {
            problems.Insert(0, $"must be no more than {max} characters");
        }

        return problems;
    }

    private static void ValidateLabels(JsonNode? labels, List<FieldError> errors)
    {
        if (labels is null)
        {
            return;
        }

        if (labels is not JsonObject map)
        {
            errors.Add(FieldError.Invalid("metadata.labels", labels.ToJsonString(), "must be a map of strings"));
            return;
        }

        foreach (var (key, value) in map)
        {
            foreach (var problem in NameRules.QualifiedNameProblems(key))
            {
                errors.Add(FieldError.Invalid("metadata.labels", key, problem));
            }

            if (value is not JsonValue v || !v.TryGetValue<string>(out var text))
            {
                errors.Add(FieldError.Invalid($"metadata.labels", value?.ToJsonString(), "label values must be strings"));
                continue;
            }

            foreach (var problem in NameRules.LabelValueProblems(text))
            {
                errors.Add(FieldError.Invalid("metadata.labels", text, problem));
            }
        }
    }

    private static void ValidateAnnotations(JsonNode? annotations, List<FieldError> errors)
    {
        if (annotations is null)
        {
            return;
        }

        if (annotations is not JsonObject map)
        {
            errors.Add(FieldError.Invalid("metadata.annotations", annotations.ToJsonString(), "must be a map of strings"));
            return;
        }

        var total = 0;
        foreach (var (key, value) in map)
        {
            foreach (var problem in NameRules.QualifiedNameProblems(key.ToLowerInvariant()))
            {
                errors.Add(FieldError.Invalid("metadata.annotations", key, problem));
            }

            if (value is not JsonValue v || !v.TryGetValue<string>(out var text))
            {
                errors.Add(FieldError.Invalid("metadata.annotations", value?.ToJsonString(), "annotation values must be strings"));
                continue;
            }

            total += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(text);
        }

        if (total > AnnotationsLimit)
        {
            errors.Add(FieldError.TooLong("metadata.annotations", $"may not be more than {AnnotationsLimit} bytes"));
        }
    }
}
