using System.Text.Json.Nodes;
using Shim.Api.Json;
using Shim.Api.Validation.Kinds;

namespace Shim.Api.ServiceNetwork;

/// <summary>Readers and writers of the Service fields allocation works on, with Go zero-value semantics (0 / "" mean unset).</summary>
internal static class ServiceFields
{
    public const string None = "None";

    public static JsonObject Spec(JsonObject service) => service.Ensure("spec");

    public static string Type(JsonObject service) => service.Str("spec", "type") is { Length: > 0 } type ? type : "ClusterIP";

    public static bool NeedsClusterIP(JsonObject service) => Type(service) != "ExternalName";

    public static bool NeedsNodePort(JsonObject service) => Type(service) is "NodePort" or "LoadBalancer";

    public static bool NeedsHealthCheckNodePort(JsonObject service) =>
        Type(service) == "LoadBalancer" && service.Str("spec", "externalTrafficPolicy") == "Local";

    /// <summary>Whether ports without a nodePort get one: NodePort always, LoadBalancer unless allocateLoadBalancerNodePorts is false.</summary>
    public static bool ShouldAllocateNodePorts(JsonObject service) => Type(service) switch
    {
        "NodePort" => true,
        "LoadBalancer" => Spec(service).FlagOrNull("allocateLoadBalancerNodePorts") ?? true,
        _ => false,
    };

    /// <summary>LoadBalancer, NodePort, or ClusterIP with external IPs.</summary>
    public static bool ExternallyAccessible(JsonObject service) =>
        NeedsNodePort(service) || (Type(service) == "ClusterIP" && Spec(service).HasItems("externalIPs"));

    public static string ClusterIP(JsonObject service) => service.Str("spec", "clusterIP") ?? "";

    public static void SetClusterIP(JsonObject service, string ip)
    {
        if (ip.Length == 0)
        {
            Spec(service).Remove("clusterIP");
        }
        else
        {
            Spec(service)["clusterIP"] = ip;
        }
    }

    public static List<string> ClusterIPs(JsonObject service) => Strings(service, "clusterIPs");

    public static void SetClusterIPs(JsonObject service, IReadOnlyList<string>? ips) => SetStrings(service, "clusterIPs", ips);

    public static List<string> IpFamilies(JsonObject service) => Strings(service, "ipFamilies");

    public static void SetIpFamilies(JsonObject service, IReadOnlyList<string>? families) => SetStrings(service, "ipFamilies", families);

    public static string? IpFamilyPolicy(JsonObject service) => service.Str("spec", "ipFamilyPolicy") is { Length: > 0 } policy ? policy : null;

    public static bool HasSelector(JsonObject service) => Spec(service).HasItems("selector");

    public static bool IsHeadless(JsonObject service)
    {
        var ips = ClusterIPs(service);
        return ips.Count > 0 ? ips[0] == None : ClusterIP(service) == None;
    }

    public static IReadOnlyList<JsonObject> Ports(JsonObject service) => Spec(service)["ports"] is JsonArray ports ? ports.OfType<JsonObject>().ToList() : [];

    public static long NodePort(JsonObject port) => port.Long("nodePort") ?? 0;

    public static void SetNodePort(JsonObject port, long nodePort)
    {
        if (nodePort == 0)
        {
            port.Remove("nodePort");
        }
        else
        {
            port["nodePort"] = nodePort;
        }
    }

    /// <summary>The non-zero node ports of the service's ports (collectServiceNodePorts).</summary>
    public static List<long> NodePorts(JsonObject service) => Ports(service).Select(NodePort).Where(p => p != 0).ToList();

    public static long HealthCheckNodePort(JsonObject service) => service.Long("spec", "healthCheckNodePort") ?? 0;

    public static void SetHealthCheckNodePort(JsonObject service, long port)
    {
        if (port == 0)
        {
            Spec(service).Remove("healthCheckNodePort");
        }
        else
        {
            Spec(service)["healthCheckNodePort"] = port;
        }
    }

    public static bool SameClusterIPs(JsonObject a, JsonObject b) => ClusterIPs(a).SequenceEqual(ClusterIPs(b), StringComparer.Ordinal);

    public static bool SameIpFamilies(JsonObject a, JsonObject b) => IpFamilies(a).SequenceEqual(IpFamilies(b), StringComparer.Ordinal);

    private static List<string> Strings(JsonObject service, string field) =>
        Spec(service).List(field).Select(v => Js.AsText(v) ?? "").ToList();

    private static void SetStrings(JsonObject service, string field, IReadOnlyList<string>? values)
    {
        if (values is null || values.Count == 0)
        {
            Spec(service).Remove(field);
        }
        else
        {
            Spec(service)[field] = new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
        }
    }
}
