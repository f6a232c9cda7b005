using System.Text.Json.Nodes;
using Shim.Api.Json;

namespace Shim.Api.Admission;

/// <summary>
/// The DefaultTolerationSeconds admission plugin: a pod created without a toleration for the not-ready or unreachable
/// NoExecute taint gets one with tolerationSeconds, so taint-based eviction moves it off a failed node after that long
/// instead of at once. A toleration with an empty key or empty effect already counts, as upstream.
/// </summary>
public sealed record DefaultTolerationSeconds(long NotReadySeconds, long UnreachableSeconds)
{
    public const string NotReadyTaint = "node.kubernetes.io/not-ready";
    public const string UnreachableTaint = "node.kubernetes.io/unreachable";

    /// <summary>kube-apiserver's --default-not-ready-toleration-seconds and --default-unreachable-toleration-seconds.</summary>
    public static DefaultTolerationSeconds Default { get; } = new(300, 300);

    /// <summary>Adds the missing tolerations to a pod being created.</summary>
    public void Admit(JsonObject pod)
    {
        var spec = pod.Ensure("spec");
        var tolerations = spec["tolerations"] as JsonArray;
        var existing = tolerations?.OfType<JsonObject>().ToList() ?? [];
        var notReady = existing.Any(t => Covers(t, NotReadyTaint));
        var unreachable = existing.Any(t => Covers(t, UnreachableTaint));
        if (notReady && unreachable)
        {
            return;
        }

        if (tolerations is null)
        {
            tolerations = [];
            spec["tolerations"] = tolerations;
        }

        if (!notReady)
        {
            tolerations.Add(Toleration(NotReadyTaint, NotReadySeconds));
        }

        if (!unreachable)
        {
            tolerations.Add(Toleration(UnreachableTaint, UnreachableSeconds));
        }
    }

    private static bool Covers(JsonObject toleration, string taintKey) =>
        (toleration.Str("key") is null or "" || toleration.Str("key") == taintKey)
        && toleration.Str("effect") is null or "" or "NoExecute";

    private static JsonObject Toleration(string key, long seconds) => new()
    {
        ["key"] = key,
        ["operator"] = "Exists",
        ["effect"] = "NoExecute",
        ["tolerationSeconds"] = seconds,
    };
}
