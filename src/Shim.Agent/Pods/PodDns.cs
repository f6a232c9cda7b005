using System.Text.Json.Nodes;
using Shim.Model.Core.V1;

namespace Shim.Agent.Pods;

/// <summary>Docker's Dns/DnsSearch/DnsOptions for a sandbox from the pod's dnsPolicy and dnsConfig.</summary>
public static class PodDns
{
    /// <summary>Sets the DNS fields of a sandbox's HostConfig; leaves Docker's resolver configuration where the policy says "Default".</summary>
    public static void Apply(JsonObject hostConfig, Pod pod, PodRuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(hostConfig);
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(options);
        var spec = pod.Spec ?? new PodSpec();
        var policy = spec.DnsPolicy is { Length: > 0 } p ? p : "ClusterFirst";
        var hostNetwork = spec.HostNetwork == true;
        var nameservers = new List<string>();
        var searches = new List<string>();
        var dnsOptions = new List<string>();

        // ClusterFirst on the host network falls back to the node's resolver, as upstream does.
        var useCluster = options.ClusterDns.Count > 0
            && (policy == "ClusterFirstWithHostNet" || (policy == "ClusterFirst" && !hostNetwork));
        if (useCluster)
        {
            var ns = pod.Metadata?.Namespace ?? "default";
            nameservers.AddRange(options.ClusterDns);
            searches.AddRange([$"{ns}.svc.{options.ClusterDomain}", $"svc.{options.ClusterDomain}", options.ClusterDomain]);
            dnsOptions.Add("ndots:5");
        }

        if (spec.DnsConfig is { } config)
        {
            nameservers.AddRange(config.Nameservers ?? []);
            searches.AddRange(config.Searches ?? []);
            foreach (var option in config.Options ?? [])
            {
                // A dnsConfig option overrides the policy's option of the same name (ndots:2 replaces ndots:5).
                dnsOptions.RemoveAll(o => o == option.Name || o.StartsWith(option.Name + ":", StringComparison.Ordinal));
                dnsOptions.Add(option.Value is null ? option.Name ?? "" : $"{option.Name}:{option.Value}");
            }
        }

        if (nameservers.Count > 0)
        {
            hostConfig["Dns"] = ToArray(nameservers.Distinct(StringComparer.Ordinal));
        }

        if (searches.Count > 0)
        {
            hostConfig["DnsSearch"] = ToArray(searches.Distinct(StringComparer.Ordinal));
        }

        if (dnsOptions.Count > 0)
        {
            hostConfig["DnsOptions"] = ToArray(dnsOptions);
        }
    }

    /// <summary>
    /// The resolv.conf a sandbox with these HostConfig DNS fields must see, or null when Docker's own is right. Docker
    /// points containers on user-defined networks at its embedded resolver (127.0.0.11); like cri-dockerd, the agent
    /// rewrites the file so pods query the cluster DNS themselves and read the file the kubelet would write.
    /// </summary>
    public static string? ResolvConf(JsonObject hostConfig)
    {
        ArgumentNullException.ThrowIfNull(hostConfig);
        if (hostConfig["Dns"] is not JsonArray nameservers)
        {
            return null;
        }

        var text = new System.Text.StringBuilder();
        foreach (var nameserver in nameservers)
        {
            text.Append("nameserver ").Append(nameserver!.GetValue<string>()).Append('\n');
        }

        if (hostConfig["DnsSearch"] is JsonArray searches)
        {
            text.Append("search ").AppendJoin(' ', searches.Select(s => s!.GetValue<string>())).Append('\n');
        }

        if (hostConfig["DnsOptions"] is JsonArray options)
        {
            text.Append("options ").AppendJoin(' ', options.Select(o => o!.GetValue<string>())).Append('\n');
        }

        return text.ToString();
    }

    private static JsonArray ToArray(IEnumerable<string> values) => [.. values.Select(v => (JsonNode)v)];
}
