using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Shim.Model;
using Shim.Model.Core.V1;

namespace Shim.Agent;

/// <summary>The Node object and its status as the agent reports them, from Docker's /info and /version.</summary>
public static class NodeStatusBuilder
{
    public const string KubeletVersion = "v1.34.0+shim";
    public const int MaxPods = 110;

    public static Dictionary<string, string> Labels(AgentOptions options)
    {
        var arch = RuntimeInformation.OSArchitecture switch
        {
            Architecture.Arm64 => "arm64",
            Architecture.Arm => "arm",
            _ => "amd64",
        };
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["kubernetes.io/hostname"] = options.NodeName,
            ["kubernetes.io/os"] = "linux",
            ["kubernetes.io/arch"] = arch,
            ["beta.kubernetes.io/os"] = "linux",
            ["beta.kubernetes.io/arch"] = arch,
        };
        foreach (var (key, value) in options.NodeLabels)
        {
            labels[key] = value;
        }

        return labels;
    }

    /// <param name="runtimeProblem">Why pods cannot run here (docker down, no pod network yet), or null when ready.</param>
    public static NodeStatus Status(AgentOptions options, JsonObject info, JsonObject version, string? runtimeProblem, DateTimeOffset heartbeat, NodeStatus? previous)
    {
        var cpu = info["NCPU"]?.GetValue<int>() ?? Environment.ProcessorCount;
        var memoryKi = (info["MemTotal"]?.GetValue<long>() ?? 0) / 1024;
        var resources = new Dictionary<string, Quantity>(StringComparer.Ordinal)
        {
            ["cpu"] = cpu.ToString(CultureInfo.InvariantCulture),
            ["memory"] = $"{memoryKi}Ki",
            ["pods"] = MaxPods.ToString(CultureInfo.InvariantCulture),
        };
        var ready = runtimeProblem is null;
        return new NodeStatus
        {
            Capacity = resources,
            Allocatable = new Dictionary<string, Quantity>(resources, StringComparer.Ordinal),
            Addresses =
            [
                new NodeAddress { Type = "InternalIP", Address = options.NodeIp },
                new NodeAddress { Type = "Hostname", Address = options.NodeName },
            ],
            DaemonEndpoints = new NodeDaemonEndpoints { KubeletEndpoint = new DaemonEndpoint { Port = options.Port } },
            NodeInfo = new NodeSystemInfo
            {
                MachineID = info["ID"]?.GetValue<string>() ?? "",
                SystemUUID = info["ID"]?.GetValue<string>() ?? "",
                BootID = ReadBootId(),
                KernelVersion = info["KernelVersion"]?.GetValue<string>() ?? "",
                OsImage = info["OperatingSystem"]?.GetValue<string>() ?? "",
                ContainerRuntimeVersion = "docker://" + (version["Version"]?.GetValue<string>() ?? "unknown"),
                KubeletVersion = KubeletVersion,
                KubeProxyVersion = KubeletVersion,
                OperatingSystem = info["OSType"]?.GetValue<string>() ?? "linux",
                Architecture = info["Architecture"]?.GetValue<string>() is "x86_64" or null ? "amd64" : info["Architecture"]!.GetValue<string>(),
            },
            Conditions =
            [
                Condition(previous, "MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", heartbeat),
                Condition(previous, "DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", heartbeat),
                Condition(previous, "PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", heartbeat),
                ready
                    ? Condition(previous, "Ready", "True", "KubeletReady", "kubelet is posting ready status", heartbeat)
                    : Condition(previous, "Ready", "False", "KubeletNotReady", runtimeProblem!, heartbeat),
            ],
        };
    }

    private static NodeCondition Condition(NodeStatus? previous, string type, string status, string reason, string message, DateTimeOffset heartbeat)
    {
        var before = previous?.Conditions?.FirstOrDefault(c => c.Type == type);
        return new NodeCondition
        {
            Type = type,
            Status = status,
            Reason = reason,
            Message = message,
            LastHeartbeatTime = heartbeat,
            LastTransitionTime = before?.Status == status && before.LastTransitionTime is { } t ? t : heartbeat,
        };
    }

    private static string ReadBootId()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }
}
