using Shim.Model.Core.V1;
using Shim.Scheduler.Framework;
using Shim.Scheduler.Snapshot;

namespace Shim.Scheduler.Tests.Support;

/// <summary>Runs one plugin the way the scheduler does, for focused plugin tests.</summary>
public static class PluginHarness
{
    public static FilterResult Filter(IFilterPlugin plugin, Pod pod, ClusterSnapshot snapshot, string nodeName)
    {
        var cycle = new SchedulingCycle(new PodInfo(pod), snapshot);
        return plugin.Filter(cycle, snapshot.GetNode(nodeName) ?? throw new ArgumentException($"no node {nodeName}"));
    }

    /// <summary>Names of the nodes the plugin accepts.</summary>
    public static IReadOnlyList<string> Feasible(IFilterPlugin plugin, Pod pod, ClusterSnapshot snapshot)
    {
        var cycle = new SchedulingCycle(new PodInfo(pod), snapshot);
        return snapshot.Nodes.Where(n => plugin.Filter(cycle, n).IsSuccess).Select(n => n.Name).ToList();
    }

    /// <summary>Normalized scores with every node of the snapshot treated as feasible.</summary>
    public static IReadOnlyDictionary<string, long> Scores(IScorePlugin plugin, Pod pod, ClusterSnapshot snapshot)
    {
        var cycle = new SchedulingCycle(new PodInfo(pod), snapshot) { FeasibleNodes = snapshot.Nodes };
        var scores = snapshot.Nodes.Select(n => plugin.Score(cycle, n)).ToArray();
        plugin.NormalizeScores(cycle, snapshot.Nodes, scores);
        return snapshot.Nodes.Select((n, i) => (n.Name, scores[i])).ToDictionary(x => x.Name, x => x.Item2);
    }
}
