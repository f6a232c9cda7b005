using System.Text.Json;
using System.Text.Json.Nodes;
using Shim.Api.Json;

namespace Shim.Api.ServiceNetwork;

/// <summary>
/// The Service an allocation key belongs to, stored as the key's value (like upstream's IPAddress parentRef).
/// Releases check the uid so that one Service never frees what another one holds.
/// </summary>
public sealed record AllocationOwner(string Namespace, string Name, string Uid)
{
    public static AllocationOwner Of(JsonObject service) =>
        new(service.Str("metadata", "namespace") ?? "", service.Str("metadata", "name") ?? "", service.Str("metadata", "uid") ?? "");

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["namespace"] = Namespace, ["name"] = Name, ["uid"] = Uid });

    /// <summary>The owner recorded in a key's value; null for a value this server cannot read.</summary>
    public static AllocationOwner? FromBytes(byte[] value)
    {
        try
        {
            return JsonNode.Parse(value) is JsonObject o ? new AllocationOwner(o.Str("namespace") ?? "", o.Str("name") ?? "", o.Str("uid") ?? "") : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public override string ToString() => $"{Namespace}/{Name}";
}
