namespace Shim.Api.Validation.Kinds;

/// <summary>Resource name classes of pkg/apis/core/helper (standard, native, extended, hugepages, integer).</summary>
public static class ResourceNames
{
    private static readonly HashSet<string> StandardContainer = ["cpu", "memory", "ephemeral-storage"];

    private static readonly HashSet<string> Standard =
    [
        "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
        "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "resourcequotas", "services",
        "replicationcontrollers", "secrets", "persistentvolumeclaims", "configmaps", "storage", "requests.storage",
        "services.nodeports", "services.loadbalancers",
    ];

    private static readonly HashSet<string> Integer =
    [
        "pods", "resourcequotas", "services", "replicationcontrollers", "secrets", "configmaps", "persistentvolumeclaims",
        "services.nodeports", "services.loadbalancers",
    ];

    public static bool IsHugePages(string name) => name.StartsWith("hugepages-", StringComparison.Ordinal);

    public static bool IsStandardContainer(string name) => StandardContainer.Contains(name) || IsHugePages(name);

    public static bool IsStandard(string name) =>
        Standard.Contains(name) || IsHugePages(name) || name.StartsWith("requests.hugepages-", StringComparison.Ordinal);

    public static bool IsNative(string name) => !name.Contains('/') || name.Contains("kubernetes.io/", StringComparison.Ordinal);

    public static bool IsExtended(string name) =>
        !IsNative(name) && !name.StartsWith("requests.", StringComparison.Ordinal) && Formats.QualifiedName("requests." + name).Count == 0;

    public static bool IsOvercommitAllowed(string name) => IsNative(name) && !IsHugePages(name);

    public static bool IsInteger(string name) => Integer.Contains(name) || name.StartsWith("count/", StringComparison.Ordinal) || IsExtended(name);
}
