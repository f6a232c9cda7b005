using Microsoft.Extensions.Logging;
using Shim.Client;
using Shim.Client.Matching;
using Shim.Controllers.Runtime;
using Shim.Model;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;
using Shim.Model.Policy.V1;

namespace Shim.Controllers.Disruption;

/// <summary>
/// Keeps every PodDisruptionBudget's status current, as upstream's disruption controller: how many selected pods are
/// expected (minAvailable as an integer: the pods found; otherwise the controllers' scale), how many must stay healthy,
/// how many are (ready, not being deleted, not just evicted), and so how many disruptions the eviction subresource may
/// allow. Evictions recorded in disruptedPods count as gone until the pod is deleted or two minutes pass.
/// </summary>
public sealed partial class DisruptionController
{
    /// <summary>How long an approved eviction keeps its pod out of the healthy count while waiting for the delete.</summary>
    public static readonly TimeSpan DeletionTimeout = TimeSpan.FromMinutes(2);

    private readonly KubeClient _client;
    private readonly EventRecorder _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Informer<PodDisruptionBudget> _budgets;
    private readonly Informer<Pod> _pods;
    private readonly ExpectedScale _scale;
    private readonly WorkQueue _queue;
    private readonly ControllerLoop _loop;

    public DisruptionController(KubeClient client, SharedInformers informers, EventRecorder events, TimeProvider time, ILoggerFactory loggers)
    {
        _client = client;
        _events = events;
        _time = time;
        _logger = loggers.CreateLogger<DisruptionController>();
        _queue = new WorkQueue(time);
        _loop = new ControllerLoop("disruption", _queue, SyncAsync, _logger);
        _budgets = informers.Get<PodDisruptionBudget>();
        _pods = informers.Get<Pod>();
        _scale = new ExpectedScale(client, informers);

        _budgets.OnAdd(b => _queue.Add(Informer<PodDisruptionBudget>.KeyOf(b)));
        _budgets.OnUpdate((_, b) => _queue.Add(Informer<PodDisruptionBudget>.KeyOf(b)));
        _pods.OnAdd(EnqueueBudgetsOf);
        _pods.OnUpdate((old, pod) =>
        {
            EnqueueBudgetsOf(pod);
            EnqueueBudgetsOf(old);
        });
        _pods.OnDelete(EnqueueBudgetsOf);
        _scale.OnScaleChange(EnqueueNamespace);
    }

    public Task RunAsync(CancellationToken cancellationToken) =>
        _loop.RunAsync([_budgets.Synced, _pods.Synced, .. _scale.Synced], cancellationToken);

    private void EnqueueBudgetsOf(Pod pod)
    {
        foreach (var budget in _budgets.List())
        {
            if (budget.Metadata?.Namespace == pod.Metadata?.Namespace && LabelSelection.From(budget.Spec?.Selector).Matches(pod.Metadata?.Labels))
            {
                _queue.Add(Informer<PodDisruptionBudget>.KeyOf(budget));
            }
        }
    }

    private void EnqueueNamespace(string ns)
    {
        foreach (var budget in _budgets.List().Where(b => b.Metadata?.Namespace == ns))
        {
            _queue.Add(Informer<PodDisruptionBudget>.KeyOf(budget));
        }
    }

    private async Task SyncAsync(string key, CancellationToken cancellationToken)
    {
        var budget = _budgets.Get(key);
        if (budget is null)
        {
            return;
        }

        try
        {
            await TrySyncAsync(budget, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiError e) when (e.IsConflict)
        {
            _queue.Add(key);
        }
        catch (Exception e) when (e is ApiError or InvalidOperationException)
        {
            // Fail closed: with no trustworthy numbers the budget allows no disruption.
            LogSyncFailed(_logger, key, e.Message);
            await WriteStatusAsync(budget, FailSafe(budget, e.Message), cancellationToken).ConfigureAwait(false);
            throw;
        }
    }

    private async Task TrySyncAsync(PodDisruptionBudget budget, CancellationToken cancellationToken)
    {
        var selection = LabelSelection.From(budget.Spec?.Selector);
        var pods = _pods.List().Where(p => p.Metadata?.Namespace == budget.Metadata!.Namespace && selection.Matches(p.Metadata?.Labels)).ToList();
        if (pods.Count == 0)
        {
            _events.Record(Reference(budget), "Normal", "NoPods", "No matching pods found");
        }

        int expected, desired;
        try
        {
            (expected, desired) = await ExpectedAndDesiredAsync(budget, pods, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            _events.Record(Reference(budget), "Warning", "CalculateExpectedPodCountFailed", $"Failed to calculate the number of expected pods: {e.Message}");
            throw;
        }

        var now = _time.GetUtcNow();
        var (disrupted, recheckAt) = PruneDisrupted(budget, pods, now);
        var healthy = pods.Count(p => p.Metadata?.DeletionTimestamp is null && !disrupted.ContainsKey(p.Metadata!.Name!) && IsReady(p));
        var allowed = expected <= 0 ? 0 : Math.Max(0, healthy - desired);
        var generation = budget.Metadata!.Generation ?? 0;
        var status = budget.Status ?? new PodDisruptionBudgetStatus();
        var fresh = new PodDisruptionBudgetStatus
        {
            CurrentHealthy = healthy,
            DesiredHealthy = desired,
            ExpectedPods = expected,
            DisruptionsAllowed = allowed,
            DisruptedPods = disrupted.Count == 0 ? null : disrupted,
            ObservedGeneration = generation,
            Conditions = status.Conditions?.ToList() ?? [],
        };
        SetAllowedCondition(fresh, allowed > 0 ? "True" : "False", allowed > 0 ? "SufficientPods" : "InsufficientPods", "", now);
        await WriteStatusAsync(budget, fresh, cancellationToken).ConfigureAwait(false);
        if (recheckAt is { } at)
        {
            _queue.AddAfter(Informer<PodDisruptionBudget>.KeyOf(budget), at - now);
        }
    }

    private async Task<(int Expected, int Desired)> ExpectedAndDesiredAsync(PodDisruptionBudget budget, List<Pod> pods, CancellationToken cancellationToken)
    {
        var spec = budget.Spec ?? new PodDisruptionBudgetSpec();
        if (spec.MaxUnavailable is { } maxUnavailable)
        {
            var expected = await ScaleAsync(budget, pods, cancellationToken).ConfigureAwait(false);
            return (expected, Math.Max(0, expected - Scaled(maxUnavailable, expected)));
        }

        if (spec.MinAvailable is { } minAvailable)
        {
            if (minAvailable.IsInt)
            {
                return (pods.Count, minAvailable.IntValue);
            }

            var expected = await ScaleAsync(budget, pods, cancellationToken).ConfigureAwait(false);
            return (expected, Scaled(minAvailable, expected));
        }

        return (0, 0);
    }

    private async Task<int> ScaleAsync(PodDisruptionBudget budget, List<Pod> pods, CancellationToken cancellationToken)
    {
        var (expected, unmanaged) = await _scale.OfAsync(pods, cancellationToken).ConfigureAwait(false);
        if (unmanaged.Count > 0)
        {
            var selector = string.Join(",", (budget.Spec?.Selector?.MatchLabels ?? []).Select(l => $"{l.Key}={l.Value}"));
            _events.Record(Reference(budget), "Warning", "UnmanagedPods",
                $"Pods selected by this PodDisruptionBudget (selector: {selector}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set \".spec.minAvailable\" field of the PDB to an integer value.");
        }

        return expected;
    }

    /// <summary>An integer as is, a percentage of <paramref name="total"/> rounded up.</summary>
    public static int Scaled(IntOrString value, int total)
    {
        if (value.IsInt)
        {
            return value.IntValue;
        }

        var text = value.StringValue;
        if (!text.EndsWith('%') || !int.TryParse(text[..^1], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var percent))
        {
            throw new InvalidOperationException($"invalid value for IntOrString: invalid value \"{text}\": must be an integer or a percentage");
        }

        return (int)Math.Ceiling(percent * (long)total / 100.0);
    }

    /// <summary>Keeps the disruptedPods entries still waiting for their delete; says when the next one expires.</summary>
    private (Dictionary<string, DateTimeOffset> Kept, DateTimeOffset? RecheckAt) PruneDisrupted(PodDisruptionBudget budget, List<Pod> pods, DateTimeOffset now)
    {
        var kept = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        DateTimeOffset? recheck = null;
        var recorded = budget.Status?.DisruptedPods;
        if (recorded is null)
        {
            return (kept, null);
        }

        foreach (var pod in pods.Where(p => p.Metadata?.DeletionTimestamp is null))
        {
            if (!recorded.TryGetValue(pod.Metadata!.Name!, out var since))
            {
                continue;
            }

            var expectedDeletion = since + DeletionTimeout;
            if (expectedDeletion < now)
            {
                _events.Record(pod, "Warning", "NotDeleted", $"Pod was expected by PDB {budget.Metadata!.Namespace}/{budget.Metadata.Name} to be deleted but it wasn't");
                continue;
            }

            kept[pod.Metadata.Name!] = since;
            if (recheck is null || expectedDeletion < recheck)
            {
                recheck = expectedDeletion;
            }
        }

        return (kept, recheck);
    }

    private PodDisruptionBudgetStatus FailSafe(PodDisruptionBudget budget, string error)
    {
        var status = budget.Status ?? new PodDisruptionBudgetStatus();
        var failed = new PodDisruptionBudgetStatus
        {
            CurrentHealthy = status.CurrentHealthy,
            DesiredHealthy = status.DesiredHealthy,
            ExpectedPods = status.ExpectedPods,
            DisruptedPods = status.DisruptedPods,
            ObservedGeneration = status.ObservedGeneration,
            DisruptionsAllowed = 0,
            Conditions = status.Conditions?.ToList() ?? [],
        };
        SetAllowedCondition(failed, "False", "SyncFailed", error, _time.GetUtcNow());
        return failed;
    }

    private static void SetAllowedCondition(PodDisruptionBudgetStatus status, string value, string reason, string message, DateTimeOffset now)
    {
        var conditions = status.Conditions ??= [];
        var condition = conditions.FirstOrDefault(c => c.Type == "DisruptionAllowed");
        if (condition is null)
        {
            condition = new Condition { Type = "DisruptionAllowed" };
            conditions.Add(condition);
        }

        if (condition.Status != value || condition.LastTransitionTime is null)
        {
            condition.LastTransitionTime = now;
        }

        condition.Status = value;
        condition.Reason = reason;
        condition.Message = message;
        condition.ObservedGeneration = status.ObservedGeneration;
    }

    /// <summary>Writes the status through /status with the budget's resourceVersion, unless it already says the same.</summary>
    private async Task WriteStatusAsync(PodDisruptionBudget budget, PodDisruptionBudgetStatus status, CancellationToken cancellationToken)
    {
        if (StatusPatch.Between(budget.Status, status) is null)
        {
            return;
        }

        var updated = new PodDisruptionBudget
        {
            ApiVersion = "policy/v1",
            Kind = "PodDisruptionBudget",
            Metadata = budget.Metadata,
            Spec = budget.Spec,
            Status = status,
        };
        var path = ResourcePath.For<PodDisruptionBudget>(budget.Metadata!.Namespace, budget.Metadata.Name, "status");
        await _client.ReplaceAsync(path, updated, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsReady(Pod pod) => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    private static ObjectReference Reference(PodDisruptionBudget budget) => new()
    {
        ApiVersion = "policy/v1",
        Kind = "PodDisruptionBudget",
        Namespace = budget.Metadata!.Namespace,
        Name = budget.Metadata.Name,
        Uid = budget.Metadata.Uid,
        ResourceVersion = budget.Metadata.ResourceVersion,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Syncing budget {Budget} failed, allowing no disruption: {Error}")]
    private static partial void LogSyncFailed(ILogger logger, string budget, string error);
}
