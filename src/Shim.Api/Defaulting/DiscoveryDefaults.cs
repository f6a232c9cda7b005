using System.Text.Json.Nodes;

namespace Shim.Api.Defaulting;

/// <summary>discovery.k8s.io/v1 defaults: EndpointSlice ports have a name ("") and a protocol (TCP).</summary>
internal static class DiscoveryDefaults
{
    public static void EndpointSlice(JsonObject slice)
    {
        foreach (var port in Fields.Items(slice, "ports"))
        {
            Fields.DefaultPointer(port, "name", "");
            Fields.DefaultPointer(port, "protocol", "TCP");
        }
    }
}
