using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>networking.k8s.io/v1 Ingress: rules, hosts, paths and backends.</summary>
public static class IngressValidator
{
    private static readonly string[] InvalidSequences = ["//", "/./", "/../", "%2f", "%2F"];
    private static readonly string[] InvalidSuffixes = ["/..", "/."];

    public static List<FieldError> Validate(JsonObject obj, JsonObject? old)
    {
        var errors = new List<FieldError>();
        var spec = obj.Obj("spec") ?? [];
        var rules = spec.List("rules");
        if (rules.Count == 0 && !spec.IsSet("defaultBackend"))
        {
            errors.Add(Err.Invalid("spec", Js.Render(spec["rules"]), "either `defaultBackend` or `rules` must be specified"));
        }

        if (spec["defaultBackend"] is JsonObject backend)
        {
            Backend(backend, "spec.defaultBackend", errors);
        }

        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i] as JsonObject ?? [];
            var p = $"spec.rules[{i}]";
            var host = rule.Text("host");
            if (host.Length > 0)
            {
                if (Formats.TryParseIp(host, out _))
                {
                    errors.Add(Err.Invalid(p + ".host", host, "must be a DNS name, not an IP address"));
                }

                Err.InvalidEach(errors, p + ".host", host, host.Contains('*') ? Formats.WildcardDns1123Subdomain(host) : Formats.Dns1123Subdomain(host));
            }

            if (rule["http"] is JsonObject http)
            {
                var paths = http.List("paths");
                if (paths.Count == 0)
                {
                    errors.Add(Err.Required(p + ".http.paths"));
                }

                for (var j = 0; j < paths.Count; j++)
                {
                    HttpPath(paths[j] as JsonObject ?? [], $"{p}.http.paths[{j}]", errors);
                }
            }
        }

        var tls = spec.List("tls");
        for (var t = 0; t < tls.Count; t++)
        {
            var hosts = tls[t].List("hosts");
            for (var i = 0; i < hosts.Count; i++)
            {
                var host = Js.AsText(hosts[i]) ?? "";
                Err.InvalidEach(errors, $"spec.tls[{t}].hosts[{i}]", host, host.Contains('*') ? Formats.WildcardDns1123Subdomain(host) : Formats.Dns1123Subdomain(host));
            }
        }

        if (spec.TextOrNull("ingressClassName") is { } className)
        {
            Err.InvalidEach(errors, "spec.ingressClassName", className, Formats.Dns1123Subdomain(className));
        }

        if (old is null && obj.Obj("metadata").Obj("annotations")?.TextOrNull("kubernetes.io/ingress.class") is { } annotation && spec.IsSet("ingressClassName"))
        {
            errors.Add(Err.Invalid("annotations.kubernetes.io/ingress.class", annotation, "can not be set when the class field is also set"));
        }

        return errors;
    }

    private static void HttpPath(JsonObject path, string fldPath, List<FieldError> errors)
    {
        var pathType = path.TextOrNull("pathType");
        var value = path.Text("path");
        if (pathType is null)
        {
            errors.Add(Err.Required(fldPath + ".pathType", "pathType must be specified"));
            return;
        }

        switch (pathType)
        {
            case "Exact" or "Prefix":
                if (!value.StartsWith('/'))
                {
                    errors.Add(Err.Invalid(fldPath + ".path", value, "must be an absolute path"));
                }

                if (value.Length > 0)
                {
                    foreach (var seq in InvalidSequences.Where(s => value.Contains(s, StringComparison.Ordinal)))
                    {
                        errors.Add(Err.Invalid(fldPath + ".path", value, $"must not contain '{seq}'"));
                    }

                    foreach (var suffix in InvalidSuffixes.Where(s => value.EndsWith(s, StringComparison.Ordinal)))
                    {
                        errors.Add(Err.Invalid(fldPath + ".path", value, $"cannot end with '{suffix}'"));
                    }
                }

                break;
            case "ImplementationSpecific":
                if (value.Length > 0 && !value.StartsWith('/'))
                {
                    errors.Add(Err.Invalid(fldPath + ".path", value, "must be an absolute path"));
                }

                break;
            default:
                errors.Add(Err.NotSupported(fldPath + ".pathType", pathType, "Exact", "ImplementationSpecific", "Prefix"));
                break;
        }

        Backend(path.Obj("backend") ?? [], fldPath + ".backend", errors);
    }

    private static void Backend(JsonObject backend, string path, List<FieldError> errors)
    {
        var hasResource = backend.IsSet("resource");
        var hasService = backend.IsSet("service");
        if (hasResource && hasService)
        {
            errors.Add(Err.Invalid(path, "", "cannot set both resource and service backends"));
            return;
        }

        if (hasResource)
        {
            TypedLocalObjectReference(backend.Obj("resource"), path + ".resource", errors);
            return;
        }

        if (!hasService)
        {
            errors.Add(Err.Invalid(path, "", "resource or service backend is required"));
            return;
        }

        var service = backend.Obj("service") ?? [];
        var name = service.Text("name");
        if (name.Length == 0)
        {
            errors.Add(Err.Required(path + ".service.name"));
        }
        else
        {
            Err.InvalidEach(errors, path + ".service.name", name, Formats.Dns1035Label(name));
        }

        var port = service.Obj("port");
        var portName = port.Text("name");
        var number = port.Num("number") ?? 0;
        if (portName.Length > 0 && number != 0)
        {
            errors.Add(Err.Invalid(path, "", "cannot set both port name & port number"));
        }
        else if (portName.Length > 0)
        {
            Err.InvalidEach(errors, path + ".service.port.name", portName, Formats.PortName(portName));
        }
        else if (number != 0)
        {
            Err.InvalidEach(errors, path + ".service.port.number", number, Formats.PortNum(number));
        }
        else
        {
            errors.Add(Err.Required(path, "port name or number is required"));
        }
    }

    /// <summary>validateIngressTypedLocalObjectReference (backends and IngressClass parameters).</summary>
    public static void TypedLocalObjectReference(JsonObject? reference, string path, List<FieldError> errors)
    {
        if (reference is null)
        {
            return;
        }

        if (reference.TextOrNull("apiGroup") is { } apiGroup)
        {
            Err.InvalidEach(errors, path + ".apiGroup", apiGroup, Formats.Dns1123Subdomain(apiGroup));
        }

        foreach (var field in new[] { "kind", "name" })
        {
            var value = reference.Text(field);
            if (value.Length == 0)
            {
                errors.Add(Err.Required($"{path}.{field}", $"{field} is required"));
            }
            else
            {
                Err.InvalidEach(errors, $"{path}.{field}", value, Formats.PathSegmentName(value));
            }
        }
    }
}
