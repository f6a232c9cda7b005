namespace Shim.Model;

/// <summary>A kind's identity. <see cref="ApiVersion"/> is "v1" for the core group, "group/version" otherwise.</summary>
public readonly record struct GroupVersionKind(string Group, string Version, string Kind)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public override string ToString() => $"{ApiVersion}, Kind={Kind}";
}

/// <summary>Any object carrying apiVersion and kind (every generated type whose schema has both).</summary>
public interface IKubernetesObject
{
    string? ApiVersion { get; set; }

    string? Kind { get; set; }
}

/// <summary>A type registered under exactly one group/version/kind.</summary>
public interface IKubernetesKind : IKubernetesObject
{
    static abstract GroupVersionKind GroupVersionKind { get; }
}

/// <summary>An object with standard object metadata.</summary>
public interface IMetadataObject
{
    Meta.V1.ObjectMeta? Metadata { get; set; }
}

public static class KubernetesObjectExtensions
{
    /// <summary>Sets apiVersion and kind from the type's registration; returns the object for chaining.</summary>
    public static T WithTypeMeta<T>(this T obj) where T : IKubernetesKind
    {
        ArgumentNullException.ThrowIfNull(obj);
        obj.ApiVersion = T.GroupVersionKind.ApiVersion;
        obj.Kind = T.GroupVersionKind.Kind;
        return obj;
    }
}
