using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Shim.Client;
using Shim.Client.Matching;
using Shim.Controllers.Runtime;
using Shim.Model;
using Shim.Model.Autoscaling.V2;
using Shim.Model.Core.V1;
using Scale = Shim.Model.Autoscaling.V1.Scale;
using ScaleSpec = Shim.Model.Autoscaling.V1.ScaleSpec;

namespace Shim.Controllers.Autoscaling;

/// <summary>
/// The horizontal pod autoscaler (upstream pkg/controller/podautoscaler, autoscaling/v2): every sync period each HPA
/// reads its target's /scale, turns the pods' resource usage from metrics.k8s.io into a desired replica count
/// (tolerance, unready and missing pods as upstream), stabilizes and limits it (min/max, behavior policies), writes
/// the new size through /scale and reports status, conditions and events.
/// </summary>
public sealed partial class HorizontalPodAutoscalerController
{
    private readonly KubeClient _client;
    private readonly EventRecorder _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IPodMetricsSource _metrics;
    private readonly HorizontalPodAutoscalerOptions _options;
    private readonly Informer<HorizontalPodAutoscaler> _hpas;
    private readonly Informer<Pod> _pods;
    private readonly WorkQueue _queue;
    private readonly ControllerLoop _loop;
    private readonly ReplicaCalculator _calculator;
    private readonly ConcurrentDictionary<string, ScaleHistory> _histories = new(StringComparer.Ordinal);

    public HorizontalPodAutoscalerController(KubeClient client, SharedInformers informers, EventRecorder events, TimeProvider time, ILoggerFactory loggers,
        IPodMetricsSource? metrics = null, HorizontalPodAutoscalerOptions? options = null)
    {
        _client = client;
        _events = events;
        _time = time;
        _logger = loggers.CreateLogger<HorizontalPodAutoscalerController>();
        _metrics = metrics ?? new ResourceMetricsApi(client);
        _options = options ?? new HorizontalPodAutoscalerOptions();
        _calculator = new ReplicaCalculator(_options.CpuInitializationPeriod, _options.InitialReadinessDelay);
        _queue = new WorkQueue(time);
        _loop = new ControllerLoop("horizontal-pod-autoscaler", _queue, SyncAsync, _logger);
        _hpas = informers.Get<HorizontalPodAutoscaler>();
        _pods = informers.Get<Pod>();
        _hpas.OnAdd(h => _queue.Add(Informer<HorizontalPodAutoscaler>.KeyOf(h)));
        // Our own status writes do not bring a sync forward: only a spec change does; the period does the rest.
        _hpas.OnUpdate((old, h) =>
        {
            if (old.Metadata?.Generation != h.Metadata?.Generation)
            {
                _queue.Add(Informer<HorizontalPodAutoscaler>.KeyOf(h));
            }
        });
        _hpas.OnDelete(h => _histories.TryRemove(Informer<HorizontalPodAutoscaler>.KeyOf(h), out _));
    }

    public Task RunAsync(CancellationToken cancellationToken) => _loop.RunAsync([_hpas.Synced, _pods.Synced], cancellationToken);

    private async Task SyncAsync(string key, CancellationToken cancellationToken)
    {
        var cached = _hpas.Get(key);
        if (cached is null)
        {
            _histories.TryRemove(key, out _);
            return;
        }

        try
        {
            // Work on a copy: the informer's object is shared.
            var hpa = ModelJson.Deserialize<HorizontalPodAutoscaler>(ModelJson.Serialize(cached))!;
            await ReconcileAsync(hpa, key, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _queue.AddAfter(key, _options.SyncPeriod);
        }
    }

    private async Task ReconcileAsync(HorizontalPodAutoscaler hpa, string key, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var original = ModelJson.Serialize(hpa.Status ?? new HorizontalPodAutoscalerStatus());
        var spec = hpa.Spec ?? new HorizontalPodAutoscalerSpec();
        var ns = hpa.Metadata!.Namespace!;
        var target = spec.ScaleTargetRef ?? new Model.Autoscaling.V2.CrossVersionObjectReference();
        var reference = $"{target.Kind}/{ns}/{target.Name}";
        var history = _histories.GetOrAdd(key, _ => new ScaleHistory());

        ResourcePath scalePath;
        Scale scale;
        try
        {
            scalePath = ScalePath(target, ns);
            scale = await _client.GetAsync<Scale>(scalePath, cancellationToken).ConfigureAwait(false)
                ?? throw new ApiError(new Model.Meta.V1.Status { Code = 404, Reason = "NotFound", Message = $"{scalePath.Resource}.{scalePath.Group} \"{target.Name}\" not found" });
        }
        catch (Exception e) when (e is ApiError or FormatException)
        {
            Event(hpa, "Warning", "FailedGetScale", e.Message);
            HpaConditions.Set(hpa, HpaConditions.AbleToScale, false, "FailedGetScale", $"the HPA controller was unable to get the target's current scale: {e.Message}", now);
            await UpdateStatusIfNeededAsync(hpa, original, cancellationToken).ConfigureAwait(false);
            LogFailed(_logger, key, $"failed to query scale subresource for {reference}: {e.Message}");
            return;
        }

        HpaConditions.Set(hpa, HpaConditions.AbleToScale, true, "SucceededGetScale", "the HPA controller was able to get the target's current scale", now);
        var current = scale.Spec?.Replicas ?? 0;
        history.RecordInitial(current, now);
        var minReplicas = spec.MinReplicas ?? 1;
        var maxReplicas = spec.MaxReplicas ?? 0;
        var desired = 0;
        var reason = "";
        var rescale = true;
        List<MetricStatus>? metricStatuses = null;

        if (current == 0 && minReplicas != 0)
        {
            rescale = false;
            HpaConditions.Set(hpa, HpaConditions.ScalingActive, false, "ScalingDisabled", "scaling is disabled since the replica count of the target is zero", now);
        }
        else if (current > maxReplicas)
        {
            reason = "Current number of replicas above Spec.MaxReplicas";
            desired = maxReplicas;
        }
        else if (current < minReplicas)
        {
            reason = "Current number of replicas below Spec.MinReplicas";
            desired = minReplicas;
        }
        else
        {
            var (proposal, statuses, error) = await ComputeReplicasForMetricsAsync(hpa, scale, now, cancellationToken).ConfigureAwait(false);
            metricStatuses = statuses;
            if (proposal is null)
            {
                SetStatus(hpa, current, hpa.Status?.DesiredReplicas ?? 0, metricStatuses, rescaled: false, now);
                await UpdateStatusIfNeededAsync(hpa, original, cancellationToken).ConfigureAwait(false);
                Event(hpa, "Warning", "FailedComputeMetricsReplicas", error!);
                LogFailed(_logger, key, $"failed to compute desired number of replicas based on listed metrics for {reference}: {error}");
                return;
            }

            desired = Math.Max(desired, proposal.Replicas);
            if (desired > current)
            {
                reason = $"{proposal.Name} above target";
            }
            else if (desired < current)
            {
                reason = "All metrics below target";
            }

            desired = spec.Behavior is null
                ? NormalizeWithoutBehavior(hpa, history, current, desired, minReplicas, maxReplicas, now)
                : NormalizeWithBehavior(hpa, history, current, desired, minReplicas, maxReplicas, now);
            rescale = desired != current;
        }

        if (rescale)
        {
            try
            {
                scale.Spec = new ScaleSpec { Replicas = desired };
                await _client.ReplaceAsync(scalePath, scale, cancellationToken).ConfigureAwait(false);
            }
            catch (ApiError e)
            {
                Event(hpa, "Warning", "FailedRescale", $"New size: {desired}; reason: {reason}; error: {e.Message}");
                HpaConditions.Set(hpa, HpaConditions.AbleToScale, false, "FailedUpdateScale", $"the HPA controller was unable to update the target scale: {e.Message}", now);
                SetStatus(hpa, current, hpa.Status?.DesiredReplicas ?? 0, metricStatuses, rescaled: false, now);
                await UpdateStatusIfNeededAsync(hpa, original, cancellationToken).ConfigureAwait(false);
                LogFailed(_logger, key, $"failed to rescale {reference}: {e.Message}");
                return;
            }

            HpaConditions.Set(hpa, HpaConditions.AbleToScale, true, "SucceededRescale", $"the HPA controller was able to update the target scale to {desired}", now);
            Event(hpa, "Normal", "SuccessfulRescale", $"New size: {desired}; reason: {reason}");
            if (spec.Behavior is not null)
            {
                history.RecordScale(spec.Behavior, current, desired, now);
            }

            LogRescaled(_logger, key, current, desired, reason);
        }
        else
        {
            desired = current;
        }

        SetStatus(hpa, current, desired, metricStatuses, rescale, now);
        await UpdateStatusIfNeededAsync(hpa, original, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The largest proposal of the valid metrics; none when all fail, or when some fail and the rest would scale down.</summary>
    private async Task<(MetricProposal? Proposal, List<MetricStatus> Statuses, string? Error)> ComputeReplicasForMetricsAsync(
        HorizontalPodAutoscaler hpa, Scale scale, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var selectorText = scale.Status?.Selector;
        if (string.IsNullOrEmpty(selectorText))
        {
            Event(hpa, "Warning", "SelectorRequired", "selector is required");
            HpaConditions.Set(hpa, HpaConditions.ScalingActive, false, "InvalidSelector", "the HPA target's scale is missing a selector", now);
            return (null, [], "selector is required");
        }

        LabelSelection selector;
        try
        {
            selector = SelectorText.Parse(selectorText);
        }
        catch (FormatException e)
        {
            var message = $"couldn't convert selector into a corresponding internal selector object: {e.Message}";
            Event(hpa, "Warning", "InvalidSelector", message);
            HpaConditions.Set(hpa, HpaConditions.ScalingActive, false, "InvalidSelector", message, now);
            return (null, [], message);
        }

        var specReplicas = scale.Spec?.Replicas ?? 0;
        var metricSpecs = hpa.Spec?.Metrics ?? [];
        var statuses = new List<MetricStatus>();
        MetricProposal? best = null;
        var invalid = 0;
        (string Reason, string Message)? firstFailure = null;
        foreach (var metricSpec in metricSpecs)
        {
            try
            {
                var proposal = await ComputeReplicasForMetricAsync(hpa, metricSpec, specReplicas, selectorText, selector, now, cancellationToken).ConfigureAwait(false);
                statuses.Add(proposal.Status);
                if (best is null || proposal.Replicas > best.Replicas)
                {
                    best = proposal;
                }
            }
            catch (MetricFailure failure)
            {
                statuses.Add(new MetricStatus { Type = "" });
                Event(hpa, "Warning", failure.Reason, failure.Message);
                invalid++;
                firstFailure ??= (failure.Reason, failure.Message);
            }
        }

        if (best is null || (invalid > 0 && best.Replicas < specReplicas))
        {
            var (failedReason, failedMessage) = firstFailure ?? ("InvalidMetricSourceType", "no metrics to compute from");
            HpaConditions.Set(hpa, HpaConditions.ScalingActive, false, failedReason, $"the HPA was unable to compute the replica count: {failedMessage}", now);
            return (null, statuses, $"invalid metrics ({invalid} invalid out of {metricSpecs.Count}), first error is: {failedMessage}");
        }

        HpaConditions.Set(hpa, HpaConditions.ScalingActive, true, "ValidMetricFound", $"the HPA was able to successfully calculate a replica count from {best.Name}", now);
        return (best, statuses, null);
    }

    private async Task<MetricProposal> ComputeReplicasForMetricAsync(HorizontalPodAutoscaler hpa, MetricSpec metricSpec, int currentReplicas, string selectorText,
        LabelSelection selector, DateTimeOffset now, CancellationToken cancellationToken)
    {
        switch (metricSpec.Type)
        {
            case "Resource":
            {
                var source = metricSpec.Resource ?? new ResourceMetricSource();
                var (replicas, name, current) = await ComputeResourceAsync(hpa, source.Name ?? "", null, source.Target, currentReplicas, selectorText, selector, now, "FailedGetResourceMetric", cancellationToken).ConfigureAwait(false);
                return new MetricProposal(replicas, name, new MetricStatus { Type = "Resource", Resource = new ResourceMetricStatus { Name = source.Name, Current = current } });
            }

            case "ContainerResource":
            {
                var source = metricSpec.ContainerResource ?? new ContainerResourceMetricSource();
                var (replicas, name, current) = await ComputeResourceAsync(hpa, source.Name ?? "", source.Container, source.Target, currentReplicas, selectorText, selector, now, "FailedGetContainerResourceMetric", cancellationToken).ConfigureAwait(false);
                return new MetricProposal(replicas, name, new MetricStatus
                {
                    Type = "ContainerResource",
                    ContainerResource = new ContainerResourceMetricStatus { Name = source.Name, Container = source.Container, Current = current },
                });
            }

            // Custom and external metrics need an adapter behind custom.metrics.k8s.io / external.metrics.k8s.io; none is served here.
            case "Pods":
                throw new MetricFailure("FailedGetPodsMetric",
                    $"unable to get metric {metricSpec.Pods?.Metric?.Name}: unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered");
            case "Object":
                throw new MetricFailure("FailedGetObjectMetric",
                    $"unable to get metric {metricSpec.Object?.Metric?.Name}: unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered");
            case "External":
                throw new MetricFailure("FailedGetExternalMetric",
                    $"unable to get external metric {hpa.Metadata?.Namespace}/{metricSpec.External?.Metric?.Name}: unable to fetch metrics from external metrics API: no external metrics API (external.metrics.k8s.io) registered");
            default:
                throw new MetricFailure("InvalidMetricSourceType", $"unknown metric source type \"{metricSpec.Type}\"");
        }
    }

    private async Task<(int Replicas, string Name, MetricValueStatus Current)> ComputeResourceAsync(HorizontalPodAutoscaler hpa, string resource, string? container,
        MetricTarget? target, int currentReplicas, string selectorText, LabelSelection selector, DateTimeOffset now, string failureReason, CancellationToken cancellationToken)
    {
        var kind = container is null ? "resource" : "container resource";
        var ns = hpa.Metadata!.Namespace!;
        var tolerances = TolerancesOf(hpa);
        try
        {
            if (target?.AverageValue is { } averageValue)
            {
                var metrics = await PodMetricsAsync(ns, selectorText, resource, container, cancellationToken).ConfigureAwait(false);
                var (replicas, usage) = _calculator.AverageValue(currentReplicas, MilliQuantity.Parse(averageValue.Value), resource, tolerances, PodsOf(ns, selector, container, resource), metrics, now);
                return (replicas, $"{resource} {kind}", new MetricValueStatus { AverageValue = MilliQuantity.Format(usage) });
            }

            if (target?.AverageUtilization is not { } utilizationTarget)
            {
                throw new MetricFailure(failureReason, "invalid resource metric source: neither an average utilization target nor an average value (usage) target was set");
            }

            var measured = await PodMetricsAsync(ns, selectorText, resource, container, cancellationToken).ConfigureAwait(false);
            var (count, utilization, raw) = _calculator.ResourceUtilization(currentReplicas, utilizationTarget, resource, tolerances, PodsOf(ns, selector, container, resource), measured, now);
            return (count, $"{resource} {kind} utilization (percentage of request)", new MetricValueStatus { AverageUtilization = utilization, AverageValue = MilliQuantity.Format(raw) });
        }
        catch (MetricComputationException e)
        {
            var what = target?.AverageValue is not null ? "usage" : "utilization";
            throw new MetricFailure(failureReason, $"failed to get {resource} {what}: {e.Message}");
        }
    }

    /// <summary>The pods of the target in the namespace; requests are checked per container when a container is named.</summary>
    private List<Pod> PodsOf(string ns, LabelSelection selector, string? container, string resource)
    {
        var pods = _pods.List().Where(p => p.Metadata?.Namespace == ns && selector.Matches(p.Metadata.Labels)).ToList();
        if (container is null)
        {
            return pods;
        }

        // For one container, only its request counts: narrow each pod's spec to it.
        var narrowed = new List<Pod>();
        foreach (var pod in pods)
        {
            var copy = ModelJson.Deserialize<Pod>(ModelJson.Serialize(pod))!;
            copy.Spec!.Containers = copy.Spec.Containers?.Where(c => c.Name == container).ToList();
            copy.Spec.InitContainers = copy.Spec.InitContainers?.Where(c => c.Name == container).ToList();
            if (copy.Spec.Containers is not { Count: > 0 } && copy.Spec.InitContainers is not { Count: > 0 })
            {
                throw new MetricComputationException($"missing request for {resource} in container {container} of Pod {pod.Metadata?.Name}");
            }

            narrowed.Add(copy);
        }

        return narrowed;
    }

    /// <summary>The pods' usage from metrics.k8s.io, in milli-units per pod (a pod missing the resource in a container is left out).</summary>
    private async Task<Dictionary<string, PodMetric>> PodMetricsAsync(string ns, string selector, string resource, string? container, CancellationToken cancellationToken)
    {
        IReadOnlyList<PodMetrics> items;
        try
        {
            items = await _metrics.ListAsync(ns, selector, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiError e)
        {
            throw new MetricComputationException($"unable to get metrics for resource {resource}: unable to fetch metrics from resource metrics API: {e.Message}", e);
        }

        if (items.Count == 0)
        {
            throw new MetricComputationException($"unable to get metrics for resource {resource}: no metrics returned from resource metrics API");
        }

        var result = new Dictionary<string, PodMetric>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var measured = container is null ? item : new PodMetrics { Containers = item.Containers?.Where(c => c.Name == container).ToList() };
            if (item.Metadata?.Name is { } name && measured.SumMilli(resource) is { } value)
            {
                result[name] = new PodMetric(value, item.Timestamp ?? default, GoDuration.Parse(item.Window));
            }
        }

        return result;
    }

    private Tolerances TolerancesOf(HorizontalPodAutoscaler hpa)
    {
        var behavior = hpa.Spec?.Behavior;
        return new Tolerances(Tolerance(behavior?.ScaleDown), Tolerance(behavior?.ScaleUp));

        double Tolerance(HPAScalingRules? rules) =>
            rules?.Tolerance is { } q && MilliQuantity.TryParse(q.Value, out var milli) ? milli / 1000.0 : _options.Tolerance;
    }

    private int NormalizeWithoutBehavior(HorizontalPodAutoscaler hpa, ScaleHistory history, int current, int desired, int minReplicas, int maxReplicas, DateTimeOffset now)
    {
        var stabilized = history.StabilizeDown(desired, _options.DownscaleStabilizationWindow, now);
        if (stabilized != desired)
        {
            HpaConditions.Set(hpa, HpaConditions.AbleToScale, true, "ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation", now);
        }
        else
        {
            HpaConditions.Set(hpa, HpaConditions.AbleToScale, true, "ReadyForNewScale", "recommended size matches current size", now);
        }

        var limit = ScaleHistory.LimitWithoutBehavior(current, stabilized, minReplicas, maxReplicas);
        HpaConditions.Set(hpa, HpaConditions.ScalingLimited, limit.Replicas != stabilized, limit.Reason, limit.Message, now);
        return limit.Replicas;
    }

    private int NormalizeWithBehavior(HorizontalPodAutoscaler hpa, ScaleHistory history, int current, int desired, int minReplicas, int maxReplicas, DateTimeOffset now)
    {
        var behavior = hpa.Spec!.Behavior!;
        var up = ScalingRules.ScaleUp(behavior.ScaleUp);
        var down = ScalingRules.ScaleDown(behavior.ScaleDown, _options.DownscaleStabilizationWindow);
        var stabilized = history.Stabilize(current, desired,
            TimeSpan.FromSeconds(up.StabilizationWindowSeconds ?? 0), TimeSpan.FromSeconds(down.StabilizationWindowSeconds ?? 0), now);
        if (stabilized != desired)
        {
            var (reason, message) = desired >= current
                ? ("ScaleUpStabilized", "recent recommendations were lower than current one, applying the lowest recent recommendation")
                : ("ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation");
            HpaConditions.Set(hpa, HpaConditions.AbleToScale, true, reason, message, now);
        }
        else
        {
            HpaConditions.Set(hpa, HpaConditions.AbleToScale, true, "ReadyForNewScale", "recommended size matches current size", now);
        }

        var limit = history.LimitWithBehavior(current, stabilized, minReplicas, maxReplicas, up, down, now);
        HpaConditions.Set(hpa, HpaConditions.ScalingLimited, limit.Replicas != stabilized, limit.Reason, limit.Message, now);
        return limit.Replicas;
    }

    private static void SetStatus(HorizontalPodAutoscaler hpa, int current, int desired, List<MetricStatus>? metrics, bool rescaled, DateTimeOffset now)
    {
        var status = hpa.Status ??= new HorizontalPodAutoscalerStatus();
        status.CurrentReplicas = current;
        status.DesiredReplicas = desired;
        status.CurrentMetrics = metrics is { Count: > 0 } ? metrics : null;
        if (rescaled)
        {
            status.LastScaleTime = new DateTimeOffset(now.UtcDateTime.Ticks - (now.UtcDateTime.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        }
    }

    private async Task UpdateStatusIfNeededAsync(HorizontalPodAutoscaler hpa, string original, CancellationToken cancellationToken)
    {
        if (ModelJson.Serialize(hpa.Status ?? new HorizontalPodAutoscalerStatus()) == original)
        {
            return;
        }

        try
        {
            await _client.ReplaceAsync(ResourcePath.For<HorizontalPodAutoscaler>(hpa.Metadata!.Namespace, hpa.Metadata.Name, "status"), hpa, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiError e) when (!e.IsConflict)
        {
            Event(hpa, "Warning", "FailedUpdateStatus", e.Message);
            throw;
        }
    }

    private static ResourcePath ScalePath(Model.Autoscaling.V2.CrossVersionObjectReference target, string ns)
    {
        var apiVersion = target.ApiVersion ?? "";
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var (group, version) = slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
        if (version.Length == 0 || string.IsNullOrEmpty(target.Kind) || string.IsNullOrEmpty(target.Name))
        {
            throw new FormatException($"invalid scale target reference: apiVersion \"{apiVersion}\", kind \"{target.Kind}\", name \"{target.Name}\"");
        }

        return new ResourcePath(group, version, ResourcePath.Plural(target.Kind), ns, target.Name, "scale");
    }

    private void Event(HorizontalPodAutoscaler hpa, string type, string reason, string message) =>
        _events.Record(new ObjectReference
        {
            ApiVersion = "autoscaling/v2",
            Kind = "HorizontalPodAutoscaler",
            Namespace = hpa.Metadata?.Namespace,
            Name = hpa.Metadata?.Name,
            Uid = hpa.Metadata?.Uid,
            ResourceVersion = hpa.Metadata?.ResourceVersion,
        }, type, reason, message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Successful rescale of {Hpa}, old size: {Old}, new size: {New}, reason: {Reason}")]
    private static partial void LogRescaled(ILogger logger, string hpa, int old, int @new, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "HPA {Hpa}: {Error}")]
    private static partial void LogFailed(ILogger logger, string hpa, string error);
}
