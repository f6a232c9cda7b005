using Shim.Api.Resources;
using Shim.Api.Selectors;

namespace Shim.Api.Watch;

/// <summary>Namespace + label selector + field selector, as a LIST or WATCH request asks.</summary>
public sealed record ObjectFilter(ResourceDefinition Definition, string? Namespace, LabelSelector Labels, FieldSelector Fields)
{
    public bool HasSelectors => !Labels.IsEmpty || !Fields.IsEmpty;

    public bool Matches(CachedObject o)
    {
        if (Namespace is not null && o.Namespace != Namespace)
        {
            return false;
        }

        if (!Labels.Matches(o.Labels))
        {
            return false;
        }

        return Fields.IsEmpty || Fields.Matches(field => FieldValue(o, field));
    }

    private string? FieldValue(CachedObject o, string field) => field switch
    {
        "metadata.name" => o.Name,
        "metadata.namespace" => o.Namespace ?? "",
        _ => Definition.FieldLabels.TryGetValue(field, out var f) ? f(o.Object) : null,
    };
}
