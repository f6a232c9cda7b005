using Shim.Model;

namespace Shim.Client;

/// <summary>The URL path of a resource collection or object, e.g. /api/v1/namespaces/ns/pods/name/status.</summary>
public readonly record struct ResourcePath(string Group, string Version, string Resource, string? Namespace = null, string? Name = null, string? Subresource = null)
{
    /// <summary>The path of kind <typeparamref name="T"/>: all namespaces when <paramref name="namespace"/> is null.</summary>
    public static ResourcePath For<T>(string? @namespace = null, string? name = null, string? subresource = null)
        where T : IKubernetesKind
    {
        var gvk = T.GroupVersionKind;
        return new ResourcePath(gvk.Group, gvk.Version, Plural(gvk.Kind), @namespace, name, subresource);
    }

    /// <summary>The resource name of a kind, by the rule the built-in kinds follow.</summary>
    public static string Plural(string kind)
    {
        var lower = kind.ToLowerInvariant();
        return lower switch
        {
            "endpoints" => lower,
            _ when lower.EndsWith('y') && !lower.EndsWith("ey", StringComparison.Ordinal) => lower[..^1] + "ies",
            _ when lower.EndsWith('s') => lower + "es",
            _ => lower + "s",
        };
    }

    public override string ToString()
    {
        var prefix = Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";
        var path = Namespace is null ? $"{prefix}/{Resource}" : $"{prefix}/namespaces/{Uri.EscapeDataString(Namespace)}/{Resource}";
        if (Name is not null)
        {
            path += "/" + Uri.EscapeDataString(Name);
        }

        return Subresource is null ? path : path + "/" + Subresource;
    }
}
