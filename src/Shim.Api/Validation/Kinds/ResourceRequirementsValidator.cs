using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>Container (and pod-level) resource requirements: names, quantities, requests within limits, claims.</summary>
public static class ResourceRequirementsValidator
{
    /// <summary>validateResourceName: a qualified name, standard when unprefixed.</summary>
    public static bool ValidateResourceName(string name, string path, List<FieldError> errors)
    {
        var before = errors.Count;
        Err.InvalidEach(errors, path, name, Formats.QualifiedName(name));
        if (errors.Count != before)
        {
            return false;
        }

        if (!name.Contains('/') && !ResourceNames.IsStandard(name))
        {
            errors.Add(Err.Invalid(path, name, "must be a standard resource type or fully qualified"));
            return false;
        }

        return true;
    }

    public static void ValidateContainerResourceName(string name, string path, List<FieldError> errors)
    {
        ValidateResourceName(name, path, errors);
        if (!name.Contains('/'))
        {
            if (!ResourceNames.IsStandardContainer(name))
            {
                errors.Add(Err.Invalid(path, name, "must be a standard resource for containers"));
            }
        }
        else if (!ResourceNames.IsNative(name) && !ResourceNames.IsExtended(name))
        {
            errors.Add(Err.Invalid(path, name, "doesn't follow extended resource name standard"));
        }
    }

    /// <summary>ValidateResourceQuantityValue: a parsable, non-negative quantity (integral for integer resources).</summary>
    public static bool ValidateQuantity(string resource, JsonNode? value, string path, List<FieldError> errors, out Quantity quantity)
    {
        if (!Quantity.TryRead(value, out quantity))
        {
            errors.Add(Err.Invalid(path, Js.AsText(value) ?? "null", Quantity.FormatError));
            return false;
        }

        if (quantity.Sign < 0)
        {
            errors.Add(Err.Invalid(path, quantity.Text, Err.NonNegativeMessage));
        }

        if (ResourceNames.IsInteger(resource) && !quantity.IsInteger)
        {
            errors.Add(Err.Invalid(path, new RawValue(quantity.Text), "must be an integer"));
        }

        return true;
    }

    public static void ValidateContainer(JsonObject? requirements, string path, PodContext? ctx, List<FieldError> errors)
    {
        if (requirements is null)
        {
            return;
        }

        var limPath = path + ".limits";
        var reqPath = path + ".requests";
        var limits = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        bool limCpuMem = false, reqCpuMem = false, limHuge = false, reqHuge = false;
        foreach (var (name, value) in requirements.Obj("limits") ?? [])
        {
            var p = $"{limPath}[{name}]";
            ValidateContainerResourceName(name, p, errors);
            if (ValidateQuantity(name, value, p, errors, out var q))
            {
                limits[name] = q;
            }

            limHuge |= ResourceNames.IsHugePages(name);
            limCpuMem |= name is "cpu" or "memory";
        }

        foreach (var (name, value) in requirements.Obj("requests") ?? [])
        {
            var p = $"{reqPath}[{name}]";
            ValidateContainerResourceName(name, p, errors);
            if (ValidateQuantity(name, value, p, errors, out var q))
            {
                if (limits.TryGetValue(name, out var limit))
                {
                    if (q.Value != limit.Value && !ResourceNames.IsOvercommitAllowed(name))
                    {
                        errors.Add(Err.Invalid(reqPath, q.Text, $"must be equal to {name} limit of {limit.Text}"));
                    }
                    else if (q.Value > limit.Value)
                    {
                        errors.Add(Err.Invalid(reqPath, q.Text, $"must be less than or equal to {name} limit of {limit.Text}"));
                    }
                }
                else if (!ResourceNames.IsOvercommitAllowed(name) && !(requirements.Obj("limits")?.ContainsKey(name) ?? false))
                {
                    errors.Add(Err.Required(limPath, "Limit must be set for non overcommitable resources"));
                }
            }

            reqHuge |= ResourceNames.IsHugePages(name);
            reqCpuMem |= name is "cpu" or "memory";
        }

        if (!limCpuMem && !reqCpuMem && (reqHuge || limHuge))
        {
            errors.Add(Err.Forbidden(path, "HugePages require cpu or memory"));
        }

        var claims = requirements.List("claims");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < claims.Count; i++)
        {
            var p = $"{path}.claims[{i}]";
            var name = claims[i].Text("name");
            if (name.Length == 0)
            {
                errors.Add(Err.Required(p));
                continue;
            }

            var request = claims[i].Text("request");
            var key = request.Length > 0 ? name + "/" + request : name;
            if (request.Length > 0)
            {
                Err.InvalidEach(errors, p + ".request", request, Formats.Dns1123Label(request));
            }

            if (seen.Contains(name) || !seen.Add(key))
            {
                errors.Add(Err.Duplicate(p, seen.Contains(name) ? name : key));
            }

            if (ctx is not null && !ctx.ClaimNames.Contains(name))
            {
                var detail = "must be one of the names in pod.spec.resourceClaims" +
                    (ctx.ClaimNames.Count == 0 ? " which is empty" : ": " + string.Join(", ", ctx.ClaimNames.Order(StringComparer.Ordinal)));
                errors.Add(Err.NotFound(p, name, detail));
            }
        }
    }
}
