using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>core/v1 Endpoints: subsets need addresses; addresses are plain IPs; ports are named when several.</summary>
public static class EndpointsValidator
{
    private static readonly string[] Protocols = ["SCTP", "TCP", "UDP"];

    public static List<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        var subsets = obj.List("subsets");
        for (var i = 0; i < subsets.Count; i++)
        {
            var ss = subsets[i];
            var p = $"subsets[{i}]";
            var addresses = ss.List("addresses");
            var notReady = ss.List("notReadyAddresses");
            if (addresses.Count == 0 && notReady.Count == 0)
            {
                errors.Add(Err.Required(p, "must specify `addresses` or `notReadyAddresses`"));
            }

            for (var a = 0; a < addresses.Count; a++)
            {
                Address(addresses[a], $"{p}.addresses[{a}]", errors);
            }

            for (var a = 0; a < notReady.Count; a++)
            {
                Address(notReady[a], $"{p}.notReadyAddresses[{a}]", errors);
            }

            var ports = ss.List("ports");
            for (var j = 0; j < ports.Count; j++)
            {
                Port(ports[j], ports.Count > 1, $"{p}.ports[{j}]", errors);
            }
        }

        return errors;
    }

    private static void Address(JsonNode? address, string path, List<FieldError> errors)
    {
        var ip = address.Text("ip");
        Formats.ValidIp(errors, path + ".ip", ip);
        var hostname = address.Text("hostname");
        if (hostname.Length > 0)
        {
            Err.InvalidEach(errors, path + ".hostname", hostname, Formats.Dns1123Label(hostname));
        }

        if (address.TextOrNull("nodeName") is { } nodeName)
        {
            Err.InvalidEach(errors, path + ".nodeName", nodeName, Formats.Dns1123Subdomain(nodeName));
        }

        Formats.NonSpecialIp(errors, path + ".ip", ip);
    }

    public static void Port(JsonNode? port, bool requireName, string path, List<FieldError> errors)
    {
        var name = port.Text("name");
        if (requireName && name.Length == 0)
        {
            errors.Add(Err.Required(path + ".name"));
        }
        else if (name.Length != 0)
        {
            Err.InvalidEach(errors, path + ".name", name, Formats.Dns1123Label(name));
        }

        var number = port.Num("port") ?? 0;
        Err.InvalidEach(errors, path + ".port", number, Formats.PortNum(number));
        var protocol = port.Text("protocol");
        if (protocol.Length > 0 && !Protocols.Contains(protocol))
        {
            errors.Add(Err.NotSupported(path + ".protocol", protocol, Protocols));
        }

        if (port.TextOrNull("appProtocol") is { } appProtocol)
        {
            Err.InvalidEach(errors, path + ".appProtocol", appProtocol, Formats.QualifiedName(appProtocol));
        }
    }
}
