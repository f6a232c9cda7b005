using Shim.Model.Core.V1;
using Shim.Scheduler.Framework;
using Shim.Scheduler.Snapshot;

namespace Shim.Scheduler;

/// <summary>
/// The scheduling algorithm, pure and synchronous: filter every node, score the feasible ones, pick the best
/// (ties broken at random). It reads the snapshot and changes nothing; the caller assumes and binds.
/// </summary>
public sealed class PodScheduler
{
    private readonly IReadOnlyList<IFilterPlugin> _filters;
    private readonly IReadOnlyList<WeightedScorePlugin> _scorers;
    private readonly Random _random;

    public PodScheduler(IEnumerable<IFilterPlugin> filters, IEnumerable<WeightedScorePlugin> scorers, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(filters);
        ArgumentNullException.ThrowIfNull(scorers);
        _filters = filters.ToList();
        _scorers = scorers.ToList();
        _random = random ?? Random.Shared;
    }

    /// <summary>The default plugins and weights (see <see cref="DefaultPlugins"/>).</summary>
    public static PodScheduler CreateDefault(Random? random = null) => new(DefaultPlugins.Filters(), DefaultPlugins.Scores(), random);

    public ScheduleResult Schedule(Pod pod, ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(snapshot);
        var nodes = snapshot.Nodes;
        var failures = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (nodes.Count == 0)
            return ScheduleResult.Failure(FitErrorMessage.NoNodesAvailable, failures);

        var cycle = new SchedulingCycle(new PodInfo(pod), snapshot);
        var feasible = new List<NodeInfo>();
        foreach (var node in nodes)
        {
            var rejection = FirstRejection(cycle, node);
            if (rejection is null)
                feasible.Add(node);
            else
                failures[node.Name] = rejection.Reasons;
        }
        if (feasible.Count == 0)
            return ScheduleResult.Failure(FitErrorMessage.Format(nodes.Count, failures.Values), failures);
        if (feasible.Count == 1)
            return ScheduleResult.Success(feasible[0].Name, failures, new Dictionary<string, long>());

        cycle.FeasibleNodes = feasible;
        var totals = ScoreNodes(cycle, feasible);
        var best = totals.Max();
        var top = Enumerable.Range(0, feasible.Count).Where(i => totals[i] == best).ToList();
        var chosen = feasible[top[top.Count == 1 ? 0 : _random.Next(top.Count)]];
        var scores = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < feasible.Count; i++)
            scores[feasible[i].Name] = totals[i];
        return ScheduleResult.Success(chosen.Name, failures, scores);
    }

    private FilterResult? FirstRejection(SchedulingCycle cycle, NodeInfo node)
    {
        foreach (var filter in _filters)
        {
            var result = filter.Filter(cycle, node);
            if (!result.IsSuccess)
                return result;
        }
        return null;
    }

    private long[] ScoreNodes(SchedulingCycle cycle, IReadOnlyList<NodeInfo> feasible)
    {
        var totals = new long[feasible.Count];
        foreach (var (plugin, weight) in _scorers)
        {
            var scores = new long[feasible.Count];
            for (var i = 0; i < feasible.Count; i++)
                scores[i] = plugin.Score(cycle, feasible[i]);
            plugin.NormalizeScores(cycle, feasible, scores);
            for (var i = 0; i < feasible.Count; i++)
            {
                if (scores[i] is < 0 or > IScorePlugin.MaxNodeScore)
                    throw new InvalidOperationException($"plugin {plugin.Name} scored node {feasible[i].Name} {scores[i]}, outside 0..{IScorePlugin.MaxNodeScore}");
                totals[i] += scores[i] * weight;
            }
        }
        return totals;
    }
}
