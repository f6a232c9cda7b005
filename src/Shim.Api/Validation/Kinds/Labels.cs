using System.Text;
using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>
/// Label maps, annotations and metav1.LabelSelector validation (apimachinery meta/v1/validation), plus selector
/// matching with LabelSelectorAsSelector semantics (nil selects nothing, {} selects everything).
/// </summary>
public static class Labels
{
    public const long AnnotationsSizeLimit = 256 * 1024;

    public enum SelectorKind
    {
        Nothing,
        Everything,
        Requirements,
        Invalid,
    }

    public static void ValidateLabels(JsonNode? labels, string path, List<FieldError> errors)
    {
        if (labels is not JsonObject map)
        {
            return;
        }

        foreach (var (key, value) in map)
        {
            ValidateLabelName(key, path, errors);
            var text = Js.AsText(value) ?? "";
            Err.InvalidEach(errors, path, text, Formats.LabelValue(text));
        }
    }

    public static void ValidateLabelName(string name, string path, List<FieldError> errors) =>
        Err.InvalidEach(errors, path, name, Formats.QualifiedName(name));

    public static void ValidateAnnotations(JsonNode? annotations, string path, List<FieldError> errors)
    {
        if (annotations is not JsonObject map)
        {
            return;
        }

        long total = 0;
        foreach (var (key, value) in map)
        {
            Err.InvalidEach(errors, path, key, Formats.QualifiedName(key.ToLowerInvariant()));
            total += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(Js.AsText(value) ?? "");
        }

        if (total > AnnotationsSizeLimit)
        {
            errors.Add(Err.TooLong(path, AnnotationsSizeLimit));
        }
    }

    public static void ValidateLabelSelector(JsonNode? selector, string path, List<FieldError> errors, bool allowInvalidLabelValue = false)
    {
        if (selector is not JsonObject s)
        {
            return;
        }

        ValidateLabels(s["matchLabels"], path + ".matchLabels", errors);
        var expressions = s.List("matchExpressions");
        for (var i = 0; i < expressions.Count; i++)
        {
            var e = expressions[i];
            var p = $"{path}.matchExpressions[{i}]";
            var op = e.Text("operator");
            var values = e.List("values");
            switch (op)
            {
                case "In" or "NotIn":
                    if (values.Count == 0)
                    {
                        errors.Add(Err.Required(p + ".values", "must be specified when `operator` is 'In' or 'NotIn'"));
                    }

                    break;
                case "Exists" or "DoesNotExist":
                    if (values.Count > 0)
                    {
                        errors.Add(Err.Forbidden(p + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                    }

                    break;
                default:
                    errors.Add(Err.Invalid(p + ".operator", op, "not a valid selector operator"));
                    break;
            }

            ValidateLabelName(e.Text("key"), p + ".key", errors);
            if (!allowInvalidLabelValue)
            {
                for (var j = 0; j < values.Count; j++)
                {
                    var v = Js.AsText(values[j]) ?? "";
                    Err.InvalidEach(errors, $"{p}.values[{j}]", v, Formats.LabelValue(v));
                }
            }
        }
    }

    /// <summary>How LabelSelectorAsSelector sees a selector.</summary>
    public static SelectorKind Classify(JsonNode? selector)
    {
        if (selector is not JsonObject s)
        {
            return SelectorKind.Nothing;
        }

        var labels = s.Obj("matchLabels");
        var expressions = s.List("matchExpressions");
        if ((labels is null || labels.Count == 0) && expressions.Count == 0)
        {
            return SelectorKind.Everything;
        }

        if (labels is not null)
        {
            foreach (var (k, v) in labels)
            {
                if (Formats.QualifiedName(k).Count > 0 || Formats.LabelValue(Js.AsText(v) ?? "").Count > 0)
                {
                    return SelectorKind.Invalid;
                }
            }
        }

        foreach (var e in expressions)
        {
            var values = e.List("values");
            var valid = e.Text("operator") switch
            {
                "In" or "NotIn" => values.Count > 0,
                "Exists" or "DoesNotExist" => values.Count == 0,
                _ => false,
            };
            if (!valid || Formats.QualifiedName(e.Text("key")).Count > 0 || values.Any(v => Formats.LabelValue(Js.AsText(v) ?? "").Count > 0))
            {
                return SelectorKind.Invalid;
            }
        }

        return SelectorKind.Requirements;
    }

    /// <summary>Whether a (valid) selector matches a label set; a missing selector matches nothing.</summary>
    public static bool Matches(JsonNode? selector, JsonNode? labels)
    {
        if (selector is not JsonObject s)
        {
            return false;
        }

        var set = Js.Dict(labels as JsonObject);
        foreach (var (k, v) in Js.MapOf(s.Obj("matchLabels")))
        {
            if (!set.TryGetValue(k, out var actual) || actual != v)
            {
                return false;
            }
        }

        foreach (var e in s.List("matchExpressions"))
        {
            var key = e.Text("key");
            var values = e.List("values").Select(v => Js.AsText(v) ?? "").ToHashSet(StringComparer.Ordinal);
            var has = set.TryGetValue(key, out var actual);
            var ok = e.Text("operator") switch
            {
                "In" => has && values.Contains(actual!),
                "NotIn" => !has || !values.Contains(actual!),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A plain map selector (services, replication controllers) matches when every pair is present.</summary>
    public static bool MapMatches(JsonNode? selector, JsonNode? labels)
    {
        var set = Js.Dict(labels as JsonObject);
        return Js.MapOf(selector as JsonObject).All(p => set.TryGetValue(p.Key, out var v) && v == p.Value);
    }

    public static bool IsEmptyMap(JsonNode? map) => map is not JsonObject o || o.Count == 0;
}
