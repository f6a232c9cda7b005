using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>networking.k8s.io/v1 NetworkPolicy: selectors, ports, peers, ipBlocks and policyTypes.</summary>
public static class NetworkPolicyValidator
{
    public static List<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        var spec = obj.Obj("spec") ?? [];
        Labels.ValidateLabelSelector(spec.Obj("podSelector") ?? [], "spec.podSelector", errors);
        foreach (var (direction, peers) in new[] { ("ingress", "from"), ("egress", "to") })
        {
            var rules = spec.List(direction);
            for (var i = 0; i < rules.Count; i++)
            {
                var rp = $"spec.{direction}[{i}]";
                var ports = rules[i].List("ports");
                for (var j = 0; j < ports.Count; j++)
                {
                    Port(ports[j] as JsonObject ?? [], $"{rp}.ports[{j}]", errors);
                }

                var list = rules[i].List(peers);
                for (var j = 0; j < list.Count; j++)
                {
                    Peer(list[j] as JsonObject ?? [], $"{rp}.{peers}[{j}]", errors);
                }
            }
        }

        var types = spec.List("policyTypes").Select(t => Js.AsText(t) ?? "").ToList();
        if (types.Count > 2)
        {
            errors.Add(Err.Invalid("spec.policyTypes", Js.RenderList(types), "may not specify more than two policyTypes"));
            return errors;
        }

        for (var i = 0; i < types.Count; i++)
        {
            if (types[i] is not ("Ingress" or "Egress"))
            {
                errors.Add(Err.NotSupported($"spec.policyTypes[{i}]", types[i], "Ingress", "Egress"));
            }
        }

        return errors;
    }

    private static void Port(JsonObject port, string path, List<FieldError> errors)
    {
        if (port.TextOrNull("protocol") is { } protocol && protocol is not ("TCP" or "UDP" or "SCTP"))
        {
            errors.Add(Err.NotSupported(path + ".protocol", protocol, "TCP", "UDP", "SCTP"));
        }

        var value = port["port"];
        var isName = value is JsonValue v && v.TryGetValue<string>(out _);
        if (value is not null)
        {
            ContainerValidator.PortNumOrName(value, path + ".port", errors);
        }

        if (port.Num("endPort") is { } endPort)
        {
            if (value is null)
            {
                errors.Add(Err.Required(path + ".port", "must be specified when endPort is specified"));
            }
            else if (isName)
            {
                errors.Add(Err.Invalid(path + ".endPort", endPort, "may not be specified when `port` is non-numeric"));
            }
            else if (endPort < (Js.AsLong(value) ?? 0))
            {
                errors.Add(Err.Invalid(path + ".endPort", endPort, "must be greater than or equal to `port`"));
            }
        }
    }

    private static void Peer(JsonObject peer, string path, List<FieldError> errors)
    {
        var count = 0;
        foreach (var selector in new[] { "podSelector", "namespaceSelector" })
        {
            if (peer[selector] is JsonObject s)
            {
                count++;
                Labels.ValidateLabelSelector(s, $"{path}.{selector}", errors);
            }
        }

        if (peer["ipBlock"] is JsonObject block)
        {
            count++;
            IpBlock(block, path + ".ipBlock", errors);
        }

        if (count == 0)
        {
            errors.Add(Err.Required(path, "must specify a peer"));
        }
        else if (count > 1 && peer.IsSet("ipBlock"))
        {
            errors.Add(Err.Forbidden(path, "may not specify both ipBlock and another peer"));
        }
    }

    private static void IpBlock(JsonObject block, string path, List<FieldError> errors)
    {
        var cidr = block.Text("cidr");
        if (cidr.Length == 0)
        {
            errors.Add(Err.Required(path + ".cidr"));
            return;
        }

        if (!Formats.TryParseCidr(cidr, out var network, out var prefix))
        {
            Formats.ValidCidr(errors, path + ".cidr", cidr);
            return;
        }

        var excepts = block.List("except");
        for (var i = 0; i < excepts.Count; i++)
        {
            var except = Js.AsText(excepts[i]) ?? "";
            var ep = $"{path}.except[{i}]";
            if (!Formats.TryParseCidr(except, out var exceptIp, out var exceptPrefix))
            {
                Formats.ValidCidr(errors, ep, except);
                continue;
            }

            if (!Formats.CidrContains(network, prefix, exceptIp) || prefix >= exceptPrefix)
            {
                errors.Add(Err.Invalid(ep, except, "must be a strict subset of `cidr`"));
            }
        }
    }
}
