using Shim.Model;

namespace Shim.Controllers.Autoscaling;

/// <summary>One container's usage in a <see cref="PodMetrics"/> (resource name → quantity).</summary>
public sealed class ContainerMetrics
{
    public string? Name { get; set; }

    public Dictionary<string, Quantity>? Usage { get; set; }
}
