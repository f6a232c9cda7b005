using System.Text.Json.Nodes;
using Shim.Model.Core.V1;

namespace Shim.Agent.Pods;

/// <summary>Maps a container's resources onto Docker's HostConfig the way the kubelet and cri-dockerd do.</summary>
public static class ContainerResources
{
    public const long MinCpuShares = 2;
    public const long CpuPeriodMicroseconds = 100_000;
    public const long MinCpuQuotaMicroseconds = 1_000;

    /// <summary>CPU request in millicores → cgroup shares (1024 per core, at least 2).</summary>
    public static long CpuShares(long milliCpu) => Math.Max(milliCpu * 1024 / 1000, MinCpuShares);

    /// <summary>CPU limit in millicores → CFS quota per 100 ms period (at least 1 ms).</summary>
    public static long CpuQuota(long milliCpu) => Math.Max(milliCpu * CpuPeriodMicroseconds / 1000, MinCpuQuotaMicroseconds);

    public static void Apply(JsonObject hostConfig, ResourceRequirements? resources)
    {
        ArgumentNullException.ThrowIfNull(hostConfig);
        var cpuRequest = ResourceQuantity.Milli(Get(resources?.Requests, "cpu"));
        var cpuLimit = ResourceQuantity.Milli(Get(resources?.Limits, "cpu"));
        // Without a request the limit is the request (the API server defaults it so; be robust to pods that bypassed it).
        hostConfig["CpuShares"] = CpuShares(cpuRequest == 0 ? cpuLimit : cpuRequest);
        if (cpuLimit > 0)
        {
            hostConfig["CpuPeriod"] = CpuPeriodMicroseconds;
            hostConfig["CpuQuota"] = CpuQuota(cpuLimit);
        }

        var memoryLimit = ResourceQuantity.Whole(Get(resources?.Limits, "memory"));
        if (memoryLimit > 0)
        {
            hostConfig["Memory"] = memoryLimit;
        }
    }

    private static string? Get(Dictionary<string, Shim.Model.Quantity>? list, string name) =>
        list is not null && list.TryGetValue(name, out var quantity) ? quantity.Value : null;
}
