using System.Text.Json.Nodes;

namespace Shim.Printing.Formatting;

/// <summary>Load-balancer ingress points of a Service or Ingress status.</summary>
internal static class LoadBalancer
{
    /// <summary>Distinct IPs (or hostnames where no IP) sorted and comma-joined; "" when none.</summary>
    public static string Addresses(JsonObject? loadBalancer)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var ingress in Json.Objects(loadBalancer, "ingress"))
        {
            if (Json.Str(ingress, "ip") is { Length: > 0 } ip)
            {
                set.Add(ip);
            }
            else if (Json.Str(ingress, "hostname") is { Length: > 0 } host)
            {
                set.Add(host);
            }
        }
        return string.Join(",", set);
    }
}
