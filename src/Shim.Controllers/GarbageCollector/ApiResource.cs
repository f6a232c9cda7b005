using Shim.Client;

namespace Shim.Controllers.GarbageCollector;

/// <summary>One resource the API server serves, as its discovery documents describe it.</summary>
public sealed record ApiResource(string Group, string Version, string Resource, string Kind, bool Namespaced, IReadOnlySet<string> Verbs)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>resource.group, the way upstream names a GroupResource in messages.</summary>
    public string GroupResource => $"{Resource}.{Group}";

    public bool Supports(params string[] verbs) => verbs.All(Verbs.Contains);

    /// <summary>The collection or object path; the namespace is dropped for cluster-scoped resources.</summary>
    public ResourcePath Path(string? @namespace = null, string? name = null) =>
        new(Group, Version, Resource, Namespaced && !string.IsNullOrEmpty(@namespace) ? @namespace : null, name);

    public override string ToString() => $"{ApiVersion}/{Resource}";
}
