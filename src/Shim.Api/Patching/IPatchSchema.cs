namespace Shim.Api.Patching;

/// <summary>
/// What strategic merge patch needs to know about a place in an object: how its lists merge.
/// Implemented over the OpenAPI schema (x-kubernetes-patch-strategy / -patch-merge-key / -list-type).
/// </summary>
public interface IPatchSchema
{
    /// <summary>The schema of a property of this object (or of a map's values); null when unknown.</summary>
    IPatchSchema? Property(string name);

    /// <summary>The schema of this list's elements; null when unknown.</summary>
    IPatchSchema? Items { get; }

    /// <summary>"merge", "retainKeys", "merge,retainKeys", "replace" or null (replace) for this field.</summary>
    string? PatchStrategy { get; }

    /// <summary>The key identifying elements of a merged list of objects.</summary>
    string? PatchMergeKey { get; }
}
