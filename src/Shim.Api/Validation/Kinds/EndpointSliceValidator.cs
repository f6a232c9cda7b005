using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>discovery.k8s.io/v1 EndpointSlice: addressType (immutable), endpoints and ports.</summary>
public static class EndpointSliceValidator
{
    private static readonly string[] AddressTypes = ["FQDN", "IPv4", "IPv6"];

    public static List<FieldError> Validate(JsonObject obj, JsonObject? old)
    {
        var errors = new List<FieldError>();
        var addressType = obj.Text("addressType");
        if (addressType.Length == 0)
        {
            errors.Add(Err.Required("addressType"));
        }
        else if (!AddressTypes.Contains(addressType))
        {
            errors.Add(Err.NotSupported("addressType", addressType, AddressTypes));
        }

        var endpoints = obj.List("endpoints");
        if (endpoints.Count > 1000)
        {
            errors.Add(Err.TooMany("endpoints", endpoints.Count, 1000));
        }
        else
        {
            for (var i = 0; i < endpoints.Count; i++)
            {
                Endpoint(endpoints[i] as JsonObject ?? [], addressType, $"endpoints[{i}]", errors);
            }
        }

        var ports = obj.List("ports");
        if (ports.Count > 20000)
        {
            errors.Add(Err.TooMany("ports", ports.Count, 20000));
        }
        else
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < ports.Count; i++)
            {
                var p = $"ports[{i}]";
                var name = ports[i].Text("name");
                if (name.Length > 0)
                {
                    Err.InvalidEach(errors, p + ".name", name, Formats.Dns1123Label(name));
                }

                if (!names.Add(name))
                {
                    errors.Add(Err.Duplicate(p + ".name", name));
                }

                if (ports[i].TextOrNull("protocol") is { } protocol && protocol is not ("SCTP" or "TCP" or "UDP"))
                {
                    errors.Add(Err.NotSupported(p + ".protocol", protocol, "SCTP", "TCP", "UDP"));
                }

                if (ports[i].TextOrNull("appProtocol") is { } appProtocol)
                {
                    Err.InvalidEach(errors, p + ".appProtocol", appProtocol, Formats.QualifiedName(appProtocol));
                }
            }
        }

        if (old is not null && addressType != old.Text("addressType"))
        {
            errors.Add(Err.ImmutableField("addressType", addressType));
        }

        return errors;
    }

    private static void Endpoint(JsonObject endpoint, string addressType, string path, List<FieldError> errors)
    {
        var addresses = endpoint.List("addresses");
        var ap = path + ".addresses";
        if (addresses.Count == 0)
        {
            errors.Add(Err.Required(ap, "must contain at least 1 address"));
        }
        else if (addresses.Count > 100)
        {
            errors.Add(Err.TooMany(ap, addresses.Count, 100));
        }

        for (var i = 0; i < addresses.Count; i++)
        {
            var address = Js.AsText(addresses[i]) ?? "";
            var p = $"{ap}[{i}]";
            switch (addressType)
            {
                case "IPv4":
                    if (!Formats.TryParseIp(address, out var v4) || v4.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
                    {
                        errors.Add(Err.Invalid(p, address, "must be a valid IPv4 address"));
                    }

                    Formats.NonSpecialIp(errors, p, address);
                    break;
                case "IPv6":
                    if (!Formats.IsIpv6(address))
                    {
                        errors.Add(Err.Invalid(p, address, "must be a valid IPv6 address"));
                    }

                    Formats.NonSpecialIp(errors, p, address);
                    break;
                case "FQDN":
                    var name = address.EndsWith('.') ? address[..^1] : address;
                    if (name.Length == 0)
                    {
                        errors.Add(Err.Required(p));
                    }
                    else if (Formats.Dns1123Subdomain(name) is { Count: > 0 } problems)
                    {
                        errors.Add(Err.Invalid(p, name, string.Join(",", problems)));
                    }
                    else if (name.Split('.').Length < 2)
                    {
                        errors.Add(Err.Invalid(p, name, "should be a domain with at least two segments separated by dots"));
                    }

                    break;
            }
        }

        if (endpoint.TextOrNull("nodeName") is { } nodeName)
        {
            Err.InvalidEach(errors, path + ".nodeName", nodeName, Formats.Dns1123Subdomain(nodeName));
        }

        var topology = endpoint.Obj("deprecatedTopology");
        if (topology?.Count > 16)
        {
            errors.Add(Err.TooMany(path + ".deprecatedTopology", topology.Count, 16));
        }

        Labels.ValidateLabels(topology, path + ".deprecatedTopology", errors);
        if (endpoint.TextOrNull("hostname") is { } hostname)
        {
            Err.InvalidEach(errors, path + ".hostname", hostname, Formats.Dns1123Label(hostname));
        }

        var zones = endpoint.Obj("hints").List("forZones");
        var zp = path + ".hints.forZones";
        if (zones.Count > 8)
        {
            errors.Add(Err.TooMany(zp, zones.Count, 8));
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < zones.Count; i++)
        {
            var zone = zones[i].Text("name");
            if (!seen.Add(zone))
            {
                errors.Add(Err.Duplicate($"{zp}[{i}].name", zone));
            }

            Err.InvalidEach(errors, $"{zp}[{i}].name", zone, Formats.LabelValue(zone));
        }
    }
}
