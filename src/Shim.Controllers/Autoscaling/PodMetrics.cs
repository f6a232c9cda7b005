using Shim.Model;
using Shim.Model.Meta.V1;

namespace Shim.Controllers.Autoscaling;

/// <summary>metrics.k8s.io/v1beta1 PodMetrics: the usage of each container of a pod over <see cref="Window"/>, as of <see cref="Timestamp"/>.</summary>
public sealed class PodMetrics
{
    public ObjectMeta? Metadata { get; set; }

    public DateTimeOffset? Timestamp { get; set; }

    /// <summary>A Go duration, e.g. "15.012s".</summary>
    public string? Window { get; set; }

    public List<ContainerMetrics>? Containers { get; set; }

    public static Shim.Client.ResourcePath Path(string @namespace) => new("metrics.k8s.io", "v1beta1", "pods", @namespace);

    /// <summary>Usage of the named resource summed over the containers, in milli-units; null when a container lacks it.</summary>
    public long? SumMilli(string resource)
    {
        if (Containers is not { Count: > 0 })
        {
            return null;
        }

        var sum = 0L;
        foreach (var container in Containers)
        {
            if (container.Usage?.GetValueOrDefault(resource) is not { } quantity || !MilliQuantity.TryParse(quantity.Value, out var milli))
            {
                return null;
            }

            sum += milli;
        }

        return sum;
    }
}
