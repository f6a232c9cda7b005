using System.Text.Json.Nodes;

namespace Shim.Api.Validation.Kinds;

/// <summary>What pod spec validation carries between its parts (PodValidationOptions plus derived facts).</summary>
public sealed class PodContext
{
    /// <summary>The object is a Pod (not a template embedded in a workload).</summary>
    public bool IsPod { get; init; }

    /// <summary>The pod's name, for generic ephemeral volume PVC names (pods only).</summary>
    public string? PodName { get; init; }

    public long? GracePeriod { get; set; }

    public string RestartPolicy { get; set; } = "";

    public bool HostUsers { get; set; } = true;

    /// <summary>Volumes that passed validation, by name (mounts must reference one of these).</summary>
    public Dictionary<string, JsonObject> Volumes { get; } = new(StringComparer.Ordinal);

    public HashSet<string> ClaimNames { get; } = new(StringComparer.Ordinal);

    /// <summary>The old pod spec had namespaced sysctls with host namespaces (kept valid on update).</summary>
    public bool AllowNamespacedSysctlsForHostNetAndHostIPC { get; init; }
}
