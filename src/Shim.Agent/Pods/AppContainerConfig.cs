using System.Globalization;
using System.Text.Json.Nodes;
using Shim.Model.Core.V1;

namespace Shim.Agent.Pods;

/// <summary>The Docker create body of an app or init container joining its pod's sandbox.</summary>
public static class AppContainerConfig
{
    public const string DefaultTerminationMessagePath = "/dev/termination-log";

    /// <param name="environment">The resolved "NAME=value" list.</param>
    /// <param name="mounts">The volume mounts (Docker "Mounts"); the termination message bind is added here.</param>
    /// <param name="terminationMessageHostFile">The host file bound at terminationMessagePath.</param>
    public static JsonObject Build(
        Pod pod,
        Container container,
        int attempt,
        string sandboxId,
        PodRuntimeOptions options,
        IReadOnlyList<string> environment,
        IReadOnlyList<string>? command,
        IReadOnlyList<string>? args,
        JsonArray mounts,
        string terminationMessageHostFile)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(mounts);
        var spec = pod.Spec ?? new PodSpec();
        var name = container.Name ?? "";
        var labels = SandboxConfig.PodLabels(pod, options, name, ContainerLabels.TypeContainer);
        labels[ContainerLabels.SandboxId] = sandboxId;
        labels[ContainerLabels.RestartCount] = attempt.ToString(CultureInfo.InvariantCulture);
        var messagePath = TerminationMessagePath(container);
        labels[ContainerLabels.TerminationMessagePath] = messagePath;

        var joinSandbox = "container:" + sandboxId;
        var hostConfig = new JsonObject
        {
            ["NetworkMode"] = joinSandbox,
            ["IpcMode"] = spec.HostIPC == true ? "host" : joinSandbox,
            ["RestartPolicy"] = new JsonObject { ["Name"] = "no" },
        };
        if (spec.HostPID == true)
        {
            hostConfig["PidMode"] = "host";
        }
        else if (spec.ShareProcessNamespace == true)
        {
            hostConfig["PidMode"] = joinSandbox;
        }

        // A user mount at the message path wins; otherwise the file the kubelet reads after exit is bound there.
        if (!mounts.Any(m => m?["Target"]?.GetValue<string>() == messagePath))
        {
            mounts.Add(new JsonObject { ["Type"] = "bind", ["Source"] = terminationMessageHostFile, ["Target"] = messagePath });
        }

        hostConfig["Mounts"] = mounts;
        ContainerResources.Apply(hostConfig, container.Resources);

        var stdin = container.Stdin == true;
        var config = new JsonObject
        {
            ["Image"] = container.Image,
            ["Env"] = new JsonArray([.. environment.Select(e => (JsonNode)e)]),
            ["Tty"] = container.Tty == true,
            ["OpenStdin"] = stdin,
            ["StdinOnce"] = stdin && container.StdinOnce == true,
            ["AttachStdin"] = stdin,
            ["AttachStdout"] = true,
            ["AttachStderr"] = true,
            ["Labels"] = SandboxConfig.ToJson(labels),
            ["HostConfig"] = hostConfig,
        };
        // A command replaces the image's entrypoint and drops its default arguments, as in Kubernetes.
        if (command is { Count: > 0 })
        {
            config["Entrypoint"] = new JsonArray([.. command.Select(c => (JsonNode)c)]);
        }

        if (args is { Count: > 0 })
        {
            config["Cmd"] = new JsonArray([.. args.Select(a => (JsonNode)a)]);
        }

        if (container.WorkingDir is { Length: > 0 } workingDir)
        {
            config["WorkingDir"] = workingDir;
        }

        if (container.Lifecycle?.StopSignal is { Length: > 0 } stopSignal)
        {
            config["StopSignal"] = stopSignal;
        }

        ContainerSecurity.Apply(config, hostConfig, spec.SecurityContext, container.SecurityContext);
        return config;
    }

    public static string TerminationMessagePath(Container container)
    {
        ArgumentNullException.ThrowIfNull(container);
        return container.TerminationMessagePath is { Length: > 0 } path ? path : DefaultTerminationMessagePath;
    }
}
