using System.Globalization;
using System.Text.Json.Nodes;

namespace Shim.Api.Tests.ServiceNetwork;

/// <summary>Test-side reads by dotted paths with indexes ("spec.ports[0].nodePort").</summary>
internal static class JsonRead
{
    public static JsonNode? Node(this JsonNode? root, string path)
    {
        var node = root;
        foreach (var part in path.Replace("[", ".[", StringComparison.Ordinal).Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            node = part.StartsWith('[')
                ? node is JsonArray a && int.Parse(part[1..^1], CultureInfo.InvariantCulture) is var i && i < a.Count ? a[i] : null
                : node is JsonObject o && o.TryGetPropertyValue(part, out var child) ? child : null;
        }

        return node;
    }

    public static string? Text(this JsonNode? root, string path) => root.Node(path) is JsonValue v ? (v.TryGetValue<string>(out var s) ? s : v.ToJsonString()) : null;

    public static long? Number(this JsonNode? root, string path) => root.Node(path) is JsonValue v && v.TryGetValue<long>(out var l) ? l : null;

    public static string? Json(this JsonNode? root, string path) => root.Node(path)?.ToJsonString();
}
