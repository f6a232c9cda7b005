using EndpointSliceKind = Shim.Model.Discovery.V1.EndpointSlice;

namespace Shim.Controllers.EndpointSlices;

/// <summary>The slices a reconciliation creates, updates (whole objects, as written) and deletes.</summary>
public sealed record SliceChanges(List<EndpointSliceKind> Create, List<EndpointSliceKind> Update, List<EndpointSliceKind> Delete)
{
    public static SliceChanges None() => new([], [], []);

    public void Add(SliceChanges other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Create.AddRange(other.Create);
        Update.AddRange(other.Update);
        Delete.AddRange(other.Delete);
    }
}
