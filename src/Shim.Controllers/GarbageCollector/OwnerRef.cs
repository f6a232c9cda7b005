using System.Text.Json.Nodes;

namespace Shim.Controllers.GarbageCollector;

/// <summary>The parts of a metadata.ownerReferences entry the garbage collector works with.</summary>
public sealed record OwnerRef(string ApiVersion, string Kind, string Name, string Uid, bool BlockOwnerDeletion)
{
    public static IReadOnlyList<OwnerRef> AllOf(JsonObject obj) =>
        (obj["metadata"]?["ownerReferences"] as JsonArray)?
            .OfType<JsonObject>()
            .Select(r => new OwnerRef(
                r["apiVersion"]?.GetValue<string>() ?? "",
                r["kind"]?.GetValue<string>() ?? "",
                r["name"]?.GetValue<string>() ?? "",
                r["uid"]?.GetValue<string>() ?? "",
                r["blockOwnerDeletion"]?.GetValue<bool>() ?? false))
            .Where(r => r.Uid.Length > 0)
            .ToList() ?? [];
}
