using System.Text.Json.Nodes;
using Shim.Api.Json;
using Shim.Api.Validation.Kinds;
using static Shim.Api.ServiceNetwork.ServiceFields;

namespace Shim.Api.ServiceNetwork;

/// <summary>
/// What upstream's service storage and strategy do to an update before validation: keep allocated values the client
/// left out (patchAllocatedValues, so re-applying the same manifest works), keep clusterIP and clusterIPs in step
/// (normalizeClusterIPs), and drop values the new type no longer uses when the client did not change them
/// (dropTypeDependentFields), so that e.g. NodePort → ClusterIP does not fail on the old node ports.
/// </summary>
public static class ServiceUpdatePreparation
{
    public static void Apply(JsonObject updated, JsonObject current)
    {
        PatchAllocatedValues(updated, current);
        NormalizeClusterIPs(updated, current);
        DropTypeDependentFields(updated, current);
    }

    /// <summary>On create: a client that set only clusterIP (an old client) gets clusterIPs to match.</summary>
    public static void NormalizeClusterIPsOnCreate(JsonObject service)
    {
        var clusterIP = ClusterIP(service);
        if (clusterIP.Length > 0 && ClusterIPs(service).Count == 0)
        {
            SetClusterIPs(service, [clusterIP]);
        }
    }

    private static void PatchAllocatedValues(JsonObject updated, JsonObject current)
    {
        if (NeedsClusterIP(current) && NeedsClusterIP(updated))
        {
            if (ClusterIP(updated).Length == 0)
            {
                SetClusterIP(updated, ClusterIP(current));
            }

            if (ClusterIPs(updated).Count == 0 && ClusterIPs(current).Count > 0)
            {
                SetClusterIPs(updated, ClusterIPs(current));
            }
        }

        if (NeedsNodePort(current) && NeedsNodePort(updated))
        {
            // Node ports both objects set cannot be patched in elsewhere; the others are matched by port name.
            var used = NodePorts(current).Intersect(NodePorts(updated)).ToHashSet();
            var byName = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var port in Ports(current))
            {
                byName[port.Str("name") ?? ""] = NodePort(port);
            }

            foreach (var port in Ports(updated))
            {
                if (NodePort(port) == 0 && byName.TryGetValue(port.Str("name") ?? "", out var previous) && !used.Contains(previous))
                {
                    SetNodePort(port, previous);
                }
            }
        }

        if (NeedsHealthCheckNodePort(current) && NeedsHealthCheckNodePort(updated) && HealthCheckNodePort(updated) == 0)
        {
            SetHealthCheckNodePort(updated, HealthCheckNodePort(current));
        }
    }

    private static void NormalizeClusterIPs(JsonObject updated, JsonObject current)
    {
        // An old client patching other fields sends clusterIP without clusterIPs.
        if (ClusterIPs(current).Count > 0 && ClusterIPs(updated).Count == 0 && ClusterIP(current) == ClusterIP(updated))
        {
            SetClusterIPs(updated, ClusterIPs(current));
        }

        if (ClusterIP(current) != ClusterIP(updated) && SameClusterIPs(current, updated))
        {
            // Clearing clusterIP clears clusterIPs on the client's behalf; changing it moves clusterIPs along (validation judges the change).
            SetClusterIPs(updated, ClusterIP(current).Length > 0 && ClusterIP(updated).Length == 0 ? null : [ClusterIP(updated)]);
        }
    }

    private static void DropTypeDependentFields(JsonObject updated, JsonObject current)
    {
        var spec = Spec(updated);
        if (NeedsClusterIP(current) && !NeedsClusterIP(updated))
        {
            if (SameClusterIPs(current, updated))
            {
                SetClusterIP(updated, "");
                SetClusterIPs(updated, null);
            }

            if (SameIpFamilies(current, updated))
            {
                SetIpFamilies(updated, null);
            }

            if (IpFamilyPolicy(current) == IpFamilyPolicy(updated))
            {
                spec.Remove("ipFamilyPolicy");
            }
        }

        if (NeedsNodePort(current) && !NeedsNodePort(updated) && NodePorts(updated).All(NodePorts(current).Contains))
        {
            foreach (var port in Ports(updated))
            {
                SetNodePort(port, 0);
            }
        }

        if (NeedsHealthCheckNodePort(current) && !NeedsHealthCheckNodePort(updated) && HealthCheckNodePort(current) == HealthCheckNodePort(updated))
        {
            SetHealthCheckNodePort(updated, 0);
        }

        if (Type(current) == "LoadBalancer" && Type(updated) != "LoadBalancer")
        {
            DropIfUnchanged(spec, Spec(current), "allocateLoadBalancerNodePorts");
            DropIfUnchanged(spec, Spec(current), "loadBalancerClass");
        }

        if (ExternallyAccessible(current) && !ExternallyAccessible(updated) && spec.Str("externalTrafficPolicy") == current.Str("spec", "externalTrafficPolicy"))
        {
            spec.Remove("externalTrafficPolicy");
        }

        if (Type(updated) != "LoadBalancer" && updated["status"] is JsonObject status)
        {
            // Load balancer status no longer applies; de-provisioning is asynchronous but the user need not see that.
            status["loadBalancer"] = new JsonObject();
        }
    }

    private static void DropIfUnchanged(JsonObject spec, JsonObject currentSpec, string field)
    {
        if (spec[field] is { } value && currentSpec[field] is { } previous && JsonNode.DeepEquals(value, previous))
        {
            spec.Remove(field);
        }
    }
}
