using System.Text.Json;
using System.Text.Json.Nodes;
using Shim.Api.Json;

namespace Shim.Api.Defaulting;

/// <summary>
/// Service defaults. Cluster IPs, IP families and their policy, node ports and health check node ports are
/// allocated by the service storage, not defaulted, and are not filled here.
/// </summary>
internal static class ServiceDefaults
{
    private const long DefaultClientIpTimeoutSeconds = 10800;

    public static void Apply(JsonObject service)
    {
        if (Fields.Struct(service, "spec") is not { } spec)
        {
            return;
        }

        Fields.DefaultString(spec, "sessionAffinity", "None");
        switch (Fields.Str(spec, "sessionAffinity"))
        {
            case "None":
                spec.Remove("sessionAffinityConfig");
                break;
            case "ClientIP":
                if (spec.At("sessionAffinityConfig", "clientIP", "timeoutSeconds") is null)
                {
                    spec["sessionAffinityConfig"] = new JsonObject
                    {
                        ["clientIP"] = new JsonObject { ["timeoutSeconds"] = DefaultClientIpTimeoutSeconds },
                    };
                }

                break;
        }

        Fields.DefaultString(spec, "type", "ClusterIP");
        foreach (var port in Fields.Items(spec, "ports"))
        {
            Fields.DefaultString(port, "protocol", "TCP");
            if (IsUnsetTargetPort(port["targetPort"]))
            {
                port["targetPort"] = port["port"] is JsonValue p && p.GetValueKind() == JsonValueKind.Number ? p.DeepClone() : 0;
            }
        }

        var type = Fields.Str(spec, "type");
        var externallyAccessible = type is "LoadBalancer" or "NodePort" ||
                                   (type == "ClusterIP" && Fields.IsNonEmptyArray(spec["externalIPs"]));
        if (externallyAccessible)
        {
            Fields.DefaultString(spec, "externalTrafficPolicy", "Cluster");
        }

        if (type is "NodePort" or "LoadBalancer" or "ClusterIP")
        {
            Fields.DefaultPointer(spec, "internalTrafficPolicy", "Cluster");
        }

        if (type == "LoadBalancer")
        {
            Fields.DefaultPointer(spec, "allocateLoadBalancerNodePorts", true);
            foreach (var ingress in Fields.Items(Fields.Obj(Fields.Obj(service, "status"), "loadBalancer"), "ingress"))
            {
                if (!Fields.IsEmptyString(ingress, "ip"))
                {
                    Fields.DefaultPointer(ingress, "ipMode", "VIP");
                }
            }
        }
    }

    /// <summary>An IntOrString target port of 0 or "" (or none) means "the same as port".</summary>
    private static bool IsUnsetTargetPort(JsonNode? targetPort) => targetPort switch
    {
        null => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Length == 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString() == "0",
        _ => false,
    };
}
