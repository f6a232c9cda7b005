using System.Text.Json;
using System.Text.Json.Nodes;
using Shim.Model;

namespace Shim.Client;

/// <summary>
/// A JSON merge patch that turns one status into another: changed fields set, vanished fields set to null. Lists are
/// replaced whole by merge patches, which is what status lists (conditions, containerStatuses) need.
/// </summary>
public static class StatusPatch
{
    /// <summary>{"status": diff} or null when nothing changed.</summary>
    public static string? Between<T>(T? before, T after)
    {
        var old = before is null ? new JsonObject() : JsonSerializer.SerializeToNode(before, ModelJson.Options)!.AsObject();
        var @new = JsonSerializer.SerializeToNode(after, ModelJson.Options)!.AsObject();
        var diff = Diff(old, @new);
        return diff.Count == 0 ? null : new JsonObject { ["status"] = diff }.ToJsonString();
    }

    private static JsonObject Diff(JsonObject old, JsonObject @new)
    {
        var diff = new JsonObject();
        foreach (var (key, value) in @new)
        {
            var previous = old[key];
            if (value is JsonObject child && previous is JsonObject previousChild)
            {
                var inner = Diff(previousChild, child);
                if (inner.Count > 0)
                {
                    diff[key] = inner;
                }
            }
            else if (!JsonNode.DeepEquals(previous, value))
            {
                diff[key] = value?.DeepClone();
            }
        }

        foreach (var (key, _) in old)
        {
            if (!@new.ContainsKey(key))
            {
                diff[key] = null;
            }
        }

        return diff;
    }
}
