using System.Text.Json.Nodes;

namespace Shim.Api.Defaulting;

/// <summary>networking.k8s.io/v1 defaults: NetworkPolicy and IngressClass (Ingress has none).</summary>
internal static class NetworkingDefaults
{
    /// <summary>Ports default to TCP; a policy without policyTypes is an Ingress policy, and also Egress when it has egress rules.</summary>
    public static void NetworkPolicy(JsonObject policy)
    {
        if (Fields.Struct(policy, "spec") is not { } spec)
        {
            return;
        }

        foreach (var rule in Fields.Items(spec, "ingress").Concat(Fields.Items(spec, "egress")))
        {
            foreach (var port in Fields.Items(rule, "ports"))
            {
                Fields.DefaultPointer(port, "protocol", "TCP");
            }
        }

        if (!Fields.IsNonEmptyArray(spec["policyTypes"]) && spec["policyTypes"] is null or JsonArray)
        {
            var types = new JsonArray("Ingress");
            if (Fields.IsNonEmptyArray(spec["egress"]))
            {
                types.Add("Egress");
            }

            spec["policyTypes"] = types;
        }
    }

    public static void IngressClass(JsonObject ingressClass)
    {
        if (Fields.Obj(Fields.Obj(ingressClass, "spec"), "parameters") is { } parameters)
        {
            Fields.DefaultPointer(parameters, "scope", "Cluster");
        }
    }
}
