using System.Globalization;

namespace Shim.Agent.Pods;

/// <summary>
/// The Docker name of a pod's container, <c>k8s_&lt;container&gt;_&lt;pod&gt;_&lt;namespace&gt;_&lt;uid&gt;_&lt;attempt&gt;</c>,
/// as cri-dockerd writes it; the sandbox's container name is POD. Kubernetes names cannot contain '_', so the parts split back.
/// </summary>
public sealed record DockerContainerName(string ContainerName, string PodName, string Namespace, string PodUid, int Attempt)
{
    public const string SandboxContainerName = "POD";

    private const string Prefix = "k8s";

    public bool IsSandbox => ContainerName == SandboxContainerName;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}_{ContainerName}_{PodName}_{Namespace}_{PodUid}_{Attempt}");

    /// <summary>Parses a name as Docker reports it (a leading '/' is ignored); cri-dockerd may append a random suffix part.</summary>
    public static DockerContainerName? TryParse(string? dockerName)
    {
        if (string.IsNullOrEmpty(dockerName))
        {
            return null;
        }

        var parts = dockerName.TrimStart('/').Split('_');
        if (parts.Length is not (6 or 7) || parts[0] != Prefix
            || !int.TryParse(parts[5], NumberStyles.None, CultureInfo.InvariantCulture, out var attempt))
        {
            return null;
        }

        return new DockerContainerName(parts[1], parts[2], parts[3], parts[4], attempt);
    }
}
