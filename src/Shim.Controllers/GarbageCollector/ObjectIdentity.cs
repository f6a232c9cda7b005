using System.Text.Json.Nodes;

namespace Shim.Controllers.GarbageCollector;

/// <summary>
/// Where an object of the graph lives: the coordinates an ownerReference names (apiVersion, kind, name, uid) plus the
/// namespace ("" for cluster-scoped objects, and for owners the namespace of the dependent that named them).
/// </summary>
public sealed record ObjectIdentity(string ApiVersion, string Kind, string Namespace, string Name, string Uid)
{
    public static ObjectIdentity Of(JsonObject obj) => new(
        obj["apiVersion"]?.GetValue<string>() ?? "",
        obj["kind"]?.GetValue<string>() ?? "",
        obj["metadata"]?["namespace"]?.GetValue<string>() ?? "",
        obj["metadata"]?["name"]?.GetValue<string>() ?? "",
        obj["metadata"]?["uid"]?.GetValue<string>() ?? "");

    /// <summary>The owner an ownerReference of a dependent in <paramref name="dependentNamespace"/> names.</summary>
    public static ObjectIdentity OwnerOf(OwnerRef reference, string dependentNamespace) =>
        new(reference.ApiVersion, reference.Kind, dependentNamespace, reference.Name, reference.Uid);

    /// <summary>Whether a reference names this object by all its coordinates, not only by uid.</summary>
    public bool MatchedBy(OwnerRef reference) =>
        reference.Uid == Uid && reference.Name == Name && reference.Kind == Kind && reference.ApiVersion == ApiVersion;

    public override string ToString() =>
        $"{ApiVersion}/{Kind} {(Namespace.Length > 0 ? Namespace + "/" : "")}{Name} (uid {Uid})";
}
