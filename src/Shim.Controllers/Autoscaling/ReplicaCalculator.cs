using Shim.Model.Core.V1;

namespace Shim.Controllers.Autoscaling;

/// <summary>
/// The replica count one resource metric asks for, as upstream's replica calculator: usage ratio = current / target;
/// inside the tolerance nothing changes; else ceil(ratio × pods measured). Pods that are pending or (for CPU) not yet
/// settled after start are left out; when the result would scale up they count as using nothing, and pods without
/// metrics count as using nothing on a scale-up and their whole request (or the target) on a scale-down — and if that
/// flips the direction, nothing changes.
/// </summary>
public sealed class ReplicaCalculator(TimeSpan cpuInitializationPeriod, TimeSpan delayOfInitialReadinessStatus)
{
    /// <summary>Target = average utilization in percent of the pods' requests.</summary>
    public (int Replicas, int Utilization, long RawAverage) ResourceUtilization(
        int currentReplicas, int targetUtilization, string resource, Tolerances tolerances, IReadOnlyList<Pod> pods, Dictionary<string, PodMetric> metrics, DateTimeOffset now)
    {
        if (pods.Count == 0)
        {
            throw new MetricComputationException("no pods returned by selector while calculating replica count");
        }

        var groups = Group(pods, metrics, resource, now);
        if (metrics.Count == 0)
        {
            throw new MetricComputationException("did not receive metrics for targeted pods (pods might be unready)");
        }

        var requests = Requests(pods, resource);
        var (usageRatio, utilization, rawAverage) = UtilizationRatio(metrics, requests, targetUtilization);
        var scaleUpWithUnready = groups.Unready.Count > 0 && usageRatio > 1.0;
        if (!scaleUpWithUnready && groups.Missing.Count == 0)
        {
            return (tolerances.IsWithin(usageRatio) ? currentReplicas : (int)Math.Ceiling(usageRatio * groups.ReadyCount), utilization, rawAverage);
        }

        foreach (var name in groups.Missing)
        {
            if (usageRatio < 1.0)
            {
                metrics[name] = new PodMetric(requests.GetValueOrDefault(name), default, default);
            }
            else if (usageRatio > 1.0)
            {
                metrics[name] = default;
            }
        }

        if (scaleUpWithUnready)
        {
            foreach (var name in groups.Unready)
            {
                metrics[name] = default;
            }
        }

        var (newRatio, _, _) = UtilizationRatio(metrics, requests, targetUtilization);
        return (Settle(currentReplicas, usageRatio, newRatio, metrics.Count, tolerances), utilization, rawAverage);
    }

    /// <summary>Target = average usage per pod (milli-units).</summary>
    public (int Replicas, long Usage) AverageValue(
        int currentReplicas, long targetUsage, string resource, Tolerances tolerances, IReadOnlyList<Pod> pods, Dictionary<string, PodMetric> metrics, DateTimeOffset now)
    {
        if (pods.Count == 0)
        {
            throw new MetricComputationException("no pods returned by selector while calculating replica count");
        }

        var groups = Group(pods, metrics, resource, now);
        if (metrics.Count == 0)
        {
            throw new MetricComputationException("did not receive metrics for targeted pods (pods might be unready)");
        }

        var (usageRatio, usage) = UsageRatio(metrics, targetUsage);
        var scaleUpWithUnready = groups.Unready.Count > 0 && usageRatio > 1.0;
        if (!scaleUpWithUnready && groups.Missing.Count == 0)
        {
            return (tolerances.IsWithin(usageRatio) ? currentReplicas : (int)Math.Ceiling(usageRatio * groups.ReadyCount), usage);
        }

        foreach (var name in groups.Missing)
        {
            metrics[name] = new PodMetric(usageRatio < 1.0 ? targetUsage : 0, default, default);
        }

        if (scaleUpWithUnready)
        {
            foreach (var name in groups.Unready)
            {
                metrics[name] = default;
            }
        }

        var (newRatio, _) = UsageRatio(metrics, targetUsage);
        return (Settle(currentReplicas, usageRatio, newRatio, metrics.Count, tolerances), usage);
    }

    /// <summary>Sum of the containers' requests per pod (milli-units); a container without one fails the metric.</summary>
    public static Dictionary<string, long> Requests(IReadOnlyList<Pod> pods, string resource)
    {
        var requests = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            var sum = 0L;
            // Sidecars (restartable init containers) run beside the app containers and count as they do.
            var containers = (pod.Spec?.Containers ?? []).Concat((pod.Spec?.InitContainers ?? []).Where(c => c.RestartPolicy == "Always"));
            foreach (var container in containers)
            {
                if (container.Resources?.Requests?.GetValueOrDefault(resource) is not { } request || !MilliQuantity.TryParse(request.Value, out var milli))
                {
                    throw new MetricComputationException($"missing request for {resource} in container {container.Name} of Pod {pod.Metadata?.Name}");
                }

                sum += milli;
            }

            requests[pod.Metadata!.Name!] = sum;
        }

        return requests;
    }

    private static int Settle(int currentReplicas, double usageRatio, double newRatio, int measured, Tolerances tolerances)
    {
        if (tolerances.IsWithin(newRatio) || (usageRatio < 1.0 && newRatio > 1.0) || (usageRatio > 1.0 && newRatio < 1.0))
        {
            return currentReplicas;
        }

        var replicas = (int)Math.Ceiling(newRatio * measured);
        return (newRatio < 1.0 && replicas > currentReplicas) || (newRatio > 1.0 && replicas < currentReplicas) ? currentReplicas : replicas;
    }

    private static (double Ratio, int Utilization, long RawAverage) UtilizationRatio(Dictionary<string, PodMetric> metrics, Dictionary<string, long> requests, int targetUtilization)
    {
        long metricsTotal = 0, requestsTotal = 0;
        var entries = 0;
        foreach (var (name, metric) in metrics)
        {
            if (requests.TryGetValue(name, out var request))
            {
                metricsTotal += metric.Value;
                requestsTotal += request;
                entries++;
            }
        }

        if (requestsTotal == 0)
        {
            throw new MetricComputationException("no metrics returned matched known pods");
        }

        var utilization = (int)(metricsTotal * 100 / requestsTotal);
        return ((double)utilization / targetUtilization, utilization, metricsTotal / entries);
    }

    private static (double Ratio, long Usage) UsageRatio(Dictionary<string, PodMetric> metrics, long targetUsage)
    {
        var usage = metrics.Values.Sum(m => m.Value) / metrics.Count;
        return ((double)usage / targetUsage, usage);
    }

    private (int ReadyCount, HashSet<string> Unready, HashSet<string> Missing) Group(IReadOnlyList<Pod> pods, Dictionary<string, PodMetric> metrics, string resource, DateTimeOffset now)
    {
        var ready = 0;
        var unready = new HashSet<string>(StringComparer.Ordinal);
        var missing = new HashSet<string>(StringComparer.Ordinal);
        var ignored = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            var name = pod.Metadata!.Name!;
            if (pod.Metadata.DeletionTimestamp is not null || pod.Status?.Phase == "Failed")
            {
                ignored.Add(name);
            }
            else if (pod.Status?.Phase is null or "Pending")
            {
                unready.Add(name);
            }
            else if (!metrics.TryGetValue(name, out var metric))
            {
                missing.Add(name);
            }
            else if (resource == "cpu" && CpuNotSettled(pod, metric, now))
            {
                unready.Add(name);
            }
            else
            {
                ready++;
            }
        }

        foreach (var name in ignored.Concat(unready))
        {
            metrics.Remove(name);
        }

        return (ready, unready, missing);
    }

    /// <summary>
    /// A CPU sample is not trusted while the pod starts: within the initialization period until it is ready and one
    /// metric window has passed since; after it, while it is unready and has never been ready.
    /// </summary>
    private bool CpuNotSettled(Pod pod, PodMetric metric, DateTimeOffset now)
    {
        var condition = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        if (condition is null || pod.Status?.StartTime is not { } start)
        {
            return true;
        }

        var transition = condition.LastTransitionTime ?? DateTimeOffset.MinValue;
        if (start + cpuInitializationPeriod > now)
        {
            return condition.Status == "False" || metric.Timestamp < transition + metric.Window;
        }

        return condition.Status == "False" && start + delayOfInitialReadinessStatus > transition;
    }
}
