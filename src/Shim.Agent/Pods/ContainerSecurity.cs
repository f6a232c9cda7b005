using System.Globalization;
using System.Text.Json.Nodes;
using Shim.Model.Core.V1;

namespace Shim.Agent.Pods;

/// <summary>Maps the pod's and the container's securityContext (the container's fields win) onto Docker's create body.</summary>
public static class ContainerSecurity
{
    public static void Apply(JsonObject config, JsonObject hostConfig, PodSecurityContext? pod, SecurityContext? container)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(hostConfig);
        var runAsUser = container?.RunAsUser ?? pod?.RunAsUser;
        var runAsGroup = container?.RunAsGroup ?? pod?.RunAsGroup;
        if (runAsUser is { } uid)
        {
            config["User"] = runAsGroup is { } gid
                ? string.Create(CultureInfo.InvariantCulture, $"{uid}:{gid}")
                : uid.ToString(CultureInfo.InvariantCulture);
        }

        var groups = new List<long>(pod?.SupplementalGroups ?? []);
        if (pod?.FsGroup is { } fsGroup)
        {
            groups.Add(fsGroup);
        }

        if (groups.Count > 0)
        {
            hostConfig["GroupAdd"] = new JsonArray([.. groups.Distinct().Select(g => (JsonNode)g.ToString(CultureInfo.InvariantCulture))]);
        }

        if (container?.Privileged == true)
        {
            hostConfig["Privileged"] = true;
        }

        if (container?.Capabilities?.Add is { Count: > 0 } add)
        {
            hostConfig["CapAdd"] = new JsonArray([.. add.Select(c => (JsonNode)Capability(c))]);
        }

        if (container?.Capabilities?.Drop is { Count: > 0 } drop)
        {
            hostConfig["CapDrop"] = new JsonArray([.. drop.Select(c => (JsonNode)Capability(c))]);
        }

        if (container?.ReadOnlyRootFilesystem == true)
        {
            hostConfig["ReadonlyRootfs"] = true;
        }

        if (container?.AllowPrivilegeEscalation == false)
        {
            hostConfig["SecurityOpt"] = new JsonArray("no-new-privileges");
        }
    }

    /// <summary>Kubernetes writes NET_ADMIN or CAP_NET_ADMIN, Docker takes both; ALL stays ALL.</summary>
    private static string Capability(string name) =>
        name.Equals("ALL", StringComparison.OrdinalIgnoreCase) || name.StartsWith("CAP_", StringComparison.OrdinalIgnoreCase)
            ? name.ToUpperInvariant()
            : "CAP_" + name.ToUpperInvariant();
}
