using Shim.Model.Core.V1;

namespace Shim.Client.Matching;

/// <summary>Whether tolerations tolerate taints, with upstream's rules.</summary>
public static class TolerationMatching
{
    /// <summary>
    /// An empty effect tolerates every effect; an empty key with operator Exists tolerates every key;
    /// operator Equal (or empty) needs equal values, Exists ignores the value.
    /// </summary>
    public static bool Tolerates(Toleration toleration, Taint taint)
    {
        if (!string.IsNullOrEmpty(toleration.Effect) && toleration.Effect != taint.Effect)
            return false;
        if (!string.IsNullOrEmpty(toleration.Key) && toleration.Key != taint.Key)
            return false;
        return toleration.Operator switch
        {
            null or "" or "Equal" => (toleration.Value ?? "") == (taint.Value ?? ""),
            "Exists" => true,
            _ => false,
        };
    }

    public static bool AnyTolerates(IEnumerable<Toleration>? tolerations, Taint taint) =>
        (tolerations ?? []).Any(t => Tolerates(t, taint));

    /// <summary>The first taint among those with the given effects that no toleration tolerates, or null.</summary>
    public static Taint? FirstUntolerated(IEnumerable<Taint>? taints, IEnumerable<Toleration>? tolerations, params string[] effects)
    {
        var tolerationList = tolerations as IReadOnlyCollection<Toleration> ?? (tolerations ?? []).ToList();
        foreach (var taint in taints ?? [])
        {
            if (effects.Contains(taint.Effect, StringComparer.Ordinal) && !AnyTolerates(tolerationList, taint))
                return taint;
        }
        return null;
    }
}
