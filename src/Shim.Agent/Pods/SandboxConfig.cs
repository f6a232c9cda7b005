using System.Globalization;
using System.Text.Json.Nodes;
using Shim.Agent.Proxy;
using Shim.Model.Core.V1;

namespace Shim.Agent.Pods;

/// <summary>The Docker create body of a pod's sandbox: the pause container that owns the pod's namespaces.</summary>
public static class SandboxConfig
{
    public static JsonObject Build(Pod pod, PodRuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(options);
        var spec = pod.Spec ?? new PodSpec();
        var labels = PodLabels(pod, options, DockerContainerName.SandboxContainerName, ContainerLabels.TypeSandbox);
        // cri-dockerd copies the pod's labels and its annotations (prefixed) onto the sandbox; ours win on clashes.
        foreach (var (key, value) in pod.Metadata?.Labels ?? [])
        {
            labels.TryAdd(key, value);
        }

        foreach (var (key, value) in pod.Metadata?.Annotations ?? [])
        {
            labels.TryAdd(ContainerLabels.AnnotationPrefix + key, value);
        }

        var hostNetwork = spec.HostNetwork == true;
        var hostConfig = new JsonObject
        {
            ["NetworkMode"] = hostNetwork ? "host" : options.NetworkName ?? "default",
            // Shareable lets app containers join the sandbox's IPC namespace.
            ["IpcMode"] = spec.HostIPC == true ? "host" : "shareable",
            ["RestartPolicy"] = new JsonObject { ["Name"] = "no" },
        };
        if (spec.HostPID == true)
        {
            hostConfig["PidMode"] = "host";
        }

        PodDns.Apply(hostConfig, pod, options);
        // Namespaced sysctls belong to the sandbox, whose namespaces the app containers join.
        if (spec.SecurityContext?.Sysctls is { Count: > 0 } sysctls)
        {
            var map = new JsonObject();
            foreach (var sysctl in sysctls)
            {
                map[sysctl.Name ?? ""] = sysctl.Value ?? "";
            }

            hostConfig["Sysctls"] = map;
        }
        if (!hostNetwork && spec.HostAliases is { Count: > 0 } aliases)
        {
            hostConfig["ExtraHosts"] = new JsonArray([.. aliases.SelectMany(a => (a.Hostnames ?? []).Select(h => (JsonNode)$"{h}:{a.Ip}"))]);
        }

        var config = new JsonObject
        {
            ["Image"] = options.PauseImage,
            ["Labels"] = ToJson(labels),
            ["HostConfig"] = hostConfig,
        };
        if (!hostNetwork)
        {
            PublishHostPorts(config, hostConfig, spec);
        }
        // Docker refuses a hostname on the host network: the pod sees the node's.
        if (!hostNetwork)
        {
            config["Hostname"] = PodHostname.Hostname(pod);
            if (PodHostname.Domain(pod, options.ClusterDomain) is { } domain)
            {
                config["Domainname"] = domain;
            }
        }

        return config;
    }

    /// <summary>
    /// containers[].ports[].hostPort, published by Docker on the sandbox as cri-dockerd does ("80/tcp" bound to
    /// hostIP:hostPort); dockerd forwards the node's port to the pod. On the host network the pod's ports are the node's.
    /// </summary>
    private static void PublishHostPorts(JsonObject config, JsonObject hostConfig, PodSpec spec)
    {
        var exposed = new JsonObject();
        var bindings = new JsonObject();
        foreach (var port in (spec.Containers ?? []).SelectMany(c => c.Ports ?? []).Where(p => p.HostPort is > 0 && p.ContainerPortValue is > 0))
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"{port.ContainerPortValue}/{ServicePortInfo.LowerCaseProtocol(port.Protocol)}");
            exposed[key] = new JsonObject();
            if (bindings[key] is not JsonArray list)
            {
                bindings[key] = list = [];
            }

            list.Add(new JsonObject
            {
                ["HostIp"] = port.HostIP ?? "",
                ["HostPort"] = port.HostPort!.Value.ToString(CultureInfo.InvariantCulture),
            });
        }

        if (bindings.Count > 0)
        {
            config["ExposedPorts"] = exposed;
            hostConfig["PortBindings"] = bindings;
        }
    }

    /// <summary>The labels every container of the pod carries.</summary>
    public static Dictionary<string, string> PodLabels(Pod pod, PodRuntimeOptions options, string containerName, string dockerType)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(options);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ContainerLabels.PodName] = pod.Metadata?.Name ?? "",
            [ContainerLabels.PodNamespace] = pod.Metadata?.Namespace ?? "",
            [ContainerLabels.PodUid] = pod.Metadata?.Uid ?? "",
            [ContainerLabels.ContainerName] = containerName,
            [ContainerLabels.DockerType] = dockerType,
            [ContainerLabels.Node] = options.NodeName,
            [ContainerLabels.TerminationGracePeriod] = (pod.Spec?.TerminationGracePeriodSeconds ?? 30).ToString(CultureInfo.InvariantCulture),
        };
    }

    public static JsonObject ToJson(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var result = new JsonObject();
        foreach (var (key, value) in labels)
        {
            result[key] = value;
        }

        return result;
    }
}
