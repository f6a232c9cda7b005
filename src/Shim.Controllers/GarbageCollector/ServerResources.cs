namespace Shim.Controllers.GarbageCollector;

/// <summary>
/// What discovery found: the resources of each group's preferred version (what controllers list, watch and delete),
/// a kind lookup over every served version (to resolve ownerReferences), and the group versions whose discovery failed.
/// </summary>
public sealed class ServerResources(IReadOnlyList<ApiResource> preferred, IReadOnlyList<ApiResource> all, IReadOnlyList<string> failures)
{
    private readonly Dictionary<(string ApiVersion, string Kind), ApiResource> _byKind =
        all.GroupBy(r => (r.ApiVersion, r.Kind)).ToDictionary(g => g.Key, g => g.First());

    public IReadOnlyList<ApiResource> Preferred => preferred;

    /// <summary>One message per group version whose discovery failed; the rest is still usable.</summary>
    public IReadOnlyList<string> Failures => failures;

    /// <summary>The resource serving <paramref name="kind"/> at <paramref name="apiVersion"/>, or null when none does.</summary>
    public ApiResource? Find(string? apiVersion, string? kind) =>
        apiVersion is null || kind is null ? null : _byKind.GetValueOrDefault((apiVersion, kind));
}
