namespace Shim.Controllers;

/// <summary>What the controllers need to know about the cluster (flags of <c>shim server</c>).</summary>
public sealed record ControllerManagerOptions
{
    public string ClusterCidr { get; init; } = "10.244.0.0/16";

    public int NodeCidrMaskSize { get; init; } = 24;
}
