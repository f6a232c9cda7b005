namespace Shim.Api.Apply;

/// <summary>
/// The fields an endpoint resets and therefore never lets its writers own (upstream strategies'
/// GetResetFields): the main resource of a kind with a status subresource does not own status; the status
/// subresource does not own spec (and, per kind, some metadata).
/// </summary>
public static class ResetFields
{
    /// <summary>The reset fields of an endpoint, or null when it resets none.</summary>
    /// <param name="group">API group ("" for core).</param>
    /// <param name="kind">Kind, e.g. "Deployment".</param>
    /// <param name="subresource">null for the main resource, else "status", "scale", ….</param>
    /// <param name="hasStatusSubresource">Whether the kind serves a status subresource.</param>
    public static FieldSet? For(string group, string kind, string? subresource, bool hasStatusSubresource)
    {
        if (string.IsNullOrEmpty(subresource))
        {
            return hasStatusSubresource ? FieldSet.Of(FieldPath.Of("status")) : null;
        }

        if (subresource != "status")
        {
            return null;
        }

        var set = FieldSet.Of(FieldPath.Of("spec"));
        switch (group, kind)
        {
            case ("apps", "Deployment" or "ReplicaSet" or "StatefulSet" or "DaemonSet"):
                set.Insert(FieldPath.Of("metadata", "labels"));
                break;
            case ("", "Pod"):
                set.Insert(FieldPath.Of("metadata", "deletionTimestamp"));
                set.Insert(FieldPath.Of("metadata", "ownerReferences"));
                break;
        }

        return set;
    }
}
