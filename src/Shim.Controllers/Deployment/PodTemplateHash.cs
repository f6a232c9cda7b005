using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Shim.Model;
using Shim.Model.Core.V1;

namespace Shim.Controllers.Deployments;

/// <summary>
/// The pod-template-hash of a Deployment's template, shaped like upstream's ComputeHash: FNV-32a over a deterministic
/// rendering of the template (here canonical JSON with sorted keys; upstream hashes a Go dump, so the values differ),
/// then the collision count's 8 little-endian bytes when set, written as the decimal hash mapped through the
/// "safe encode" alphabet.
/// </summary>
public static class PodTemplateHash
{
    public const string Label = "pod-template-hash";

    private const string SafeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static string Compute(PodTemplateSpec? template, int? collisionCount)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(Canonical(template)))
        {
            hash = (hash ^ b) * 16777619u;
        }

        if (collisionCount is { } count)
        {
            var bytes = new byte[8];
            BitConverter.TryWriteBytes(bytes.AsSpan(0, 4), (uint)count);
            if (!BitConverter.IsLittleEndian)
            {
                Array.Reverse(bytes, 0, 4);
            }

            foreach (var b in bytes)
            {
                hash = (hash ^ b) * 16777619u;
            }
        }

        var digits = hash.ToString(CultureInfo.InvariantCulture);
        var encoded = new StringBuilder(digits.Length);
        foreach (var c in digits)
        {
            encoded.Append(SafeAlphabet[c % SafeAlphabet.Length]);
        }

        return encoded.ToString();
    }

    /// <summary>Whether two templates are the same apart from the hash label (absent and empty count as equal).</summary>
    public static bool EqualIgnoringHash(PodTemplateSpec? a, PodTemplateSpec? b) =>
        string.Equals(Canonical(a), Canonical(b), StringComparison.Ordinal);

    /// <summary>Sorted keys, no pod-template-hash label, no null or empty values: one text per meaning.</summary>
    private static string Canonical(PodTemplateSpec? template)
    {
        var node = template is null ? new JsonObject() : System.Text.Json.JsonSerializer.SerializeToNode(template, ModelJson.Options) as JsonObject ?? [];
        if (node["metadata"]?["labels"] is JsonObject labels)
        {
            labels.Remove(Label);
        }

        return Normalize(node)?.ToJsonString() ?? "{}";
    }

    private static JsonNode? Normalize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var sorted = new JsonObject();
                foreach (var (key, value) in obj.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    if (Normalize(value) is { } normalized)
                    {
                        sorted[key] = normalized;
                    }
                }

                return sorted.Count == 0 ? null : sorted;
            case JsonArray array:
                return array.Count == 0 ? null : new JsonArray(array.Select(item => Normalize(item) ?? new JsonObject()).ToArray());
            default:
                return node?.DeepClone();
        }
    }
}
