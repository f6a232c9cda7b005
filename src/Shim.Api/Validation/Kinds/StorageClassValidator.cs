using System.Text;
using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>storage.k8s.io/v1 StorageClass: provisioner, parameters, policies; provisioner/parameters/reclaimPolicy/bindingMode are immutable.</summary>
public static class StorageClassValidator
{
    private const long MaxParametersSize = 256 * 1024;

    public static List<FieldError> Validate(JsonObject obj, JsonObject? old)
    {
        var errors = new List<FieldError>();
        var provisioner = obj.Text("provisioner");
        if (provisioner.Length == 0)
        {
            errors.Add(Err.Required("provisioner"));
        }
        else
        {
            Err.InvalidEach(errors, "provisioner", provisioner, Formats.QualifiedName(provisioner.ToLowerInvariant()));
        }

        var parameters = obj.Obj("parameters");
        if (parameters?.Count > 512)
        {
            errors.Add(Err.TooLong("parameters", 512));
        }
        else
        {
            long total = 0;
            foreach (var (key, value) in parameters ?? [])
            {
                if (key.Length < 1)
                {
                    errors.Add(Err.Invalid("parameters", key, "field can not be empty."));
                }

                total += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(Js.AsText(value) ?? "");
            }

            if (total > MaxParametersSize)
            {
                errors.Add(Err.TooLong("parameters", MaxParametersSize));
            }
        }

        if (obj.TextOrNull("reclaimPolicy") is { Length: > 0 } reclaim && reclaim is not ("Delete" or "Retain"))
        {
            errors.Add(Err.NotSupported("reclaimPolicy", reclaim, "Delete", "Retain"));
        }

        if (obj.TextOrNull("volumeBindingMode") is { } binding && binding is not ("Immediate" or "WaitForFirstConsumer"))
        {
            errors.Add(Err.NotSupported("volumeBindingMode", binding, "Immediate", "WaitForFirstConsumer"));
        }

        var topologies = obj.List("allowedTopologies");
        var seen = new List<JsonNode?>();
        for (var i = 0; i < topologies.Count; i++)
        {
            var term = topologies[i];
            var tp = $"allowedTopologies[{i}]";
            var expressions = term.List("matchLabelExpressions");
            var keys = new HashSet<string>(StringComparer.Ordinal);
            for (var j = 0; j < expressions.Count; j++)
            {
                var ep = $"{tp}.matchLabelExpressions[{j}]";
                var values = expressions[j].List("values");
                if (values.Count == 0)
                {
                    errors.Add(Err.Required(ep + ".values"));
                }

                var valueSet = new HashSet<string>(StringComparer.Ordinal);
                for (var k = 0; k < values.Count; k++)
                {
                    var v = Js.AsText(values[k]) ?? "";
                    if (!valueSet.Add(v))
                    {
                        errors.Add(Err.Duplicate($"{ep}.values[{k}]", v));
                    }
                }

                var key = expressions[j].Text("key");
                Labels.ValidateLabelName(key, ep + ".key", errors);
                if (!keys.Add(key))
                {
                    errors.Add(Err.Duplicate(ep + ".key", key));
                }
            }

            if (seen.Any(s => Js.Same(s, term)))
            {
                errors.Add(Err.Duplicate(tp + ".matchLabelExpressions", ""));
            }

            seen.Add(term);
        }

        if (old is not null)
        {
            if (!Js.Same(obj["parameters"], old["parameters"]))
            {
                errors.Add(Err.Forbidden("parameters", "updates to parameters are forbidden."));
            }

            if (obj.Text("provisioner") != old.Text("provisioner"))
            {
                errors.Add(Err.Forbidden("provisioner", "updates to provisioner are forbidden."));
            }

            if ((obj.TextOrNull("reclaimPolicy") ?? "Delete") != (old.TextOrNull("reclaimPolicy") ?? "Delete"))
            {
                errors.Add(Err.Forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden."));
            }

            var mode = obj.TextOrNull("volumeBindingMode") ?? "Immediate";
            if (mode != (old.TextOrNull("volumeBindingMode") ?? "Immediate"))
            {
                errors.Add(Err.ImmutableField("volumeBindingMode", mode));
            }

        }

        return errors;
    }
}
