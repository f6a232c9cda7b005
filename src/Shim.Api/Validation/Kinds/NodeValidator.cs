using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>core/v1 Node: taints, podCIDRs, status quantities and the fields updates may not change.</summary>
public static class NodeValidator
{
    public static List<FieldError> Validate(JsonObject obj, JsonObject? old)
    {
        var errors = new List<FieldError>();
        var spec = obj.Obj("spec") ?? [];
        PodSpecValidator.Taints(spec.List("taints"), "metadata.taints", errors);
        foreach (var kind in new[] { "capacity", "allocatable" })
        {
            foreach (var (name, value) in obj.Obj("status").Obj(kind) ?? [])
            {
                ResourceRequirementsValidator.ValidateQuantity(name, value, $"status.{kind}.{name}", errors, out _);
            }
        }

        var cidrs = PodCidrs(spec);
        if (old is null && cidrs.Count > 0)
        {
            for (var i = 0; i < cidrs.Count; i++)
            {
                Formats.ValidCidr(errors, $"spec.podCIDRs[{i}]", cidrs[i]);
            }

            if (cidrs.Count > 1)
            {
                var parsed = cidrs.Select(c => Formats.TryParseCidr(c, out var ip, out _) ? ip.AddressFamily : (System.Net.Sockets.AddressFamily?)null).ToList();
                if (cidrs.Count > 2 || parsed[0] is null || parsed[1] is null || parsed[0] == parsed[1])
                {
                    errors.Add(Err.Invalid("spec.podCIDRs", Js.RenderList(cidrs), "may specify no more than one CIDR for each IP family"));
                }

                var seen = new HashSet<string>(StringComparer.Ordinal);
                for (var i = 0; i < cidrs.Count; i++)
                {
                    if (!seen.Add(cidrs[i]))
                    {
                        errors.Add(Err.Duplicate($"spec.podCIDRs[{i}]", cidrs[i]));
                    }
                }
            }
        }

        if (old is null)
        {
            return errors;
        }

        var addresses = obj.Obj("status").List("addresses");
        for (var i = 0; i < addresses.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (Js.Same(addresses[i], addresses[j]))
                {
                    errors.Add(Err.Duplicate($"status.addresses[{i}]", Js.Render(addresses[i])));
                    break;
                }
            }
        }

        var oldSpec = old.Obj("spec") ?? [];
        var oldCidrs = PodCidrs(oldSpec);
        if (oldCidrs.Count > 0 && (oldCidrs.Count != cidrs.Count || !oldCidrs.SequenceEqual(cidrs)))
        {
            errors.Add(Err.Forbidden("spec.podCIDRs", "node updates may not change podCIDR except from \"\" to valid"));
        }

        var oldProvider = oldSpec.Text("providerID");
        if (oldProvider.Length > 0 && oldProvider != spec.Text("providerID"))
        {
            errors.Add(Err.Forbidden("spec.providerID", "node updates may not change providerID except from \"\" to valid"));
        }

        if (spec.Text("externalID") != oldSpec.Text("externalID"))
        {
            errors.Add(Err.Forbidden("spec.externalID", "may not be updated"));
        }

        return errors;
    }

    /// <summary>spec.podCIDRs, or the single spec.podCIDR as conversion fills it.</summary>
    private static List<string> PodCidrs(JsonObject spec)
    {
        var cidrs = spec.List("podCIDRs").Select(c => Js.AsText(c) ?? "").ToList();
        if (cidrs.Count == 0 && spec.Text("podCIDR").Length > 0)
        {
            cidrs.Add(spec.Text("podCIDR"));
        }

        return cidrs;
    }
}
