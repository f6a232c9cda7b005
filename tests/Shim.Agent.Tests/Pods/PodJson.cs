using Shim.Model;
using Shim.Model.Core.V1;

namespace Shim.Agent.Tests.Pods;

/// <summary>Test pods from JSON manifests (spec only; metadata filled in with a fresh uid).</summary>
internal static class PodJson
{
    public static Pod Create(string name, string specJson, string @namespace = "default", string? metadataExtraJson = null)
    {
        var uid = Guid.NewGuid().ToString();
        var extra = metadataExtraJson is null ? "" : "," + metadataExtraJson;
        var json = $$"""
            {"apiVersion":"v1","kind":"Pod",
             "metadata":{"name":"{{name}}","namespace":"{{@namespace}}","uid":"{{uid}}"{{extra}}},
             "spec":{{specJson}}}
            """;
        return ModelJson.Deserialize<Pod>(json) ?? throw new InvalidOperationException("bad pod json");
    }

    /// <summary>A deep copy (the manager keeps the instance it was given).</summary>
    public static Pod Copy(Pod pod) => ModelJson.Deserialize<Pod>(ModelJson.Serialize(pod))!;
}
