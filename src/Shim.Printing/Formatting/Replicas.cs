using System.Text.Json.Nodes;

namespace Shim.Printing.Formatting;

/// <summary>Desired replica counts of workload objects.</summary>
internal static class Replicas
{
    /// <summary>spec.replicas, or 1 — the API default — when a client left it out.</summary>
    public static long Desired(JsonObject obj) => Json.Long(obj, "spec", "replicas") ?? 1;
}
