using System.Globalization;

namespace Shim.Scheduler;

/// <summary>Formats unschedulable results exactly as upstream's FitError does.</summary>
public static class FitErrorMessage
{
    /// <summary>Upstream's ErrNoNodesAvailable text, used when the cluster has no nodes at all.</summary>
    public const string NoNodesAvailable = "no nodes available to schedule pods";

    /// <summary>
    /// "0/N nodes are available: " then "count reason" for each distinct reason, sorted as strings (so "10 ..."
    /// sorts before "2 ...", as upstream), joined by ", ", ending with ".".
    /// </summary>
    public static string Format(int totalNodes, IEnumerable<IReadOnlyList<string>> reasonsPerNode)
    {
        ArgumentNullException.ThrowIfNull(reasonsPerNode);
        var histogram = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var reasons in reasonsPerNode)
        {
            foreach (var reason in reasons)
                histogram[reason] = histogram.GetValueOrDefault(reason) + 1;
        }
        var message = string.Create(CultureInfo.InvariantCulture, $"0/{totalNodes} nodes are available:");
        if (histogram.Count == 0)
            return message;
        var parts = histogram.Select(h => string.Create(CultureInfo.InvariantCulture, $"{h.Value} {h.Key}")).OrderBy(s => s, StringComparer.Ordinal);
        return $"{message} {string.Join(", ", parts)}.";
    }
}
