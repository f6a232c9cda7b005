using Shim.Api.Resources;

namespace Shim.Api.Http;

/// <summary>
/// What a resource URL addresses: /api/v1/[namespaces/NS/]RESOURCE[/NAME[/SUB]] or the same under /apis/GROUP/VERSION.
/// </summary>
public sealed record RequestTarget(ResourceDefinition Definition, string? Namespace, string? Name, string? Subresource)
{
    /// <summary>Parses the segments after the group-version; null when the path names no known resource.</summary>
    public static RequestTarget? Parse(ResourceRegistry registry, string group, string version, string[] segments)
    {
        if (segments.Length == 0)
        {
            return null;
        }

        string? ns = null;
        var rest = segments;
        if (segments[0] == "namespaces" && segments.Length >= 3 && registry.Find(group, version, segments[2]) is { Namespaced: true })
        {
            ns = segments[1];
            rest = segments[2..];
        }

        var definition = registry.Find(group, version, rest[0]);
        if (definition is null || rest.Length > 3)
        {
            return null;
        }

        // Namespaced kinds addressed without a namespace: only collection reads across namespaces.
        if (definition.Namespaced && ns is null && rest.Length > 1)
        {
            return null;
        }

        return new RequestTarget(definition, ns, rest.Length > 1 ? rest[1] : null, rest.Length > 2 ? rest[2] : null);
    }
}
