using Shim.Controllers.Endpoints;
using Shim.Model.Core.V1;
using EndpointSliceKind = Shim.Model.Discovery.V1.EndpointSlice;

namespace Shim.Controllers.EndpointSlices;

/// <summary>
/// The labels of a controller-managed slice, as upstream's setEndpointSliceLabels: the service's labels, then the
/// reserved ones the controller owns (service name, managed-by, headless when the service has no cluster IP).
/// </summary>
public static class EndpointSliceLabels
{
    public const string ServiceName = "kubernetes.io/service-name";
    public const string ManagedBy = "endpointslice.kubernetes.io/managed-by";

    /// <summary>
    /// The labels the slice should carry, and whether they differ from its current ones in the service's labels
    /// (the reserved labels never change on their own, so upstream compares only the rest).
    /// </summary>
    public static (Dictionary<string, string> Labels, bool Changed) For(EndpointSliceKind slice, Service service, string controllerName)
    {
        var current = Unreserved(slice.Metadata?.Labels);
        var labels = Unreserved(service.Metadata?.Labels);
        var changed = current.Count != labels.Count || labels.Any(kv => !current.TryGetValue(kv.Key, out var v) || v != kv.Value);
        if (!ServicePods.IsServiceIpSet(service))
        {
            labels[EndpointsController.HeadlessLabel] = "";
        }

        labels[ServiceName] = service.Metadata?.Name ?? "";
        labels[ManagedBy] = controllerName;
        return (labels, changed);
    }

    private static Dictionary<string, string> Unreserved(Dictionary<string, string>? labels) =>
        (labels ?? []).Where(kv => kv.Key is not (ServiceName or ManagedBy or EndpointsController.HeadlessLabel))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
}
