using Shim.Model;
using Shim.Model.Core.V1;

namespace Shim.Scheduler.Resources;

/// <summary>
/// A pod's effective resource request, following upstream's rules: app containers (and sidecars, i.e. init
/// containers with restartPolicy Always) run together and add up; a regular init container runs alone next to the
/// sidecars started before it, so the pod needs the maximum of those moments; pod-level requests, when set,
/// replace the container total for cpu/memory; pod overhead is added on top.
/// </summary>
public static class PodRequests
{
    /// <summary>Upstream's non-zero defaults used for scoring containers that request no cpu (100m).</summary>
    public const long DefaultMilliCpuRequest = 100;

    /// <summary>Upstream's non-zero default used for scoring containers that request no memory (200Mi).</summary>
    public const long DefaultMemoryRequest = 200L * 1024 * 1024;

    /// <summary>What the pod requests, as NodeResourcesFit checks it (missing requests count as zero).</summary>
    public static ResourceAmounts Effective(Pod pod) => Compute(pod, nonZeroDefaults: false);

    /// <summary>
    /// The request used by the spreading scores: a container without a cpu or memory request counts as
    /// 100m / 200Mi so that many best-effort pods still spread instead of piling onto one node.
    /// </summary>
    public static ResourceAmounts NonZero(Pod pod) => Compute(pod, nonZeroDefaults: true);

    private static ResourceAmounts Compute(Pod pod, bool nonZeroDefaults)
    {
        var spec = pod.Spec;
        var total = new ResourceAmounts();
        if (spec is null)
            return total;

        foreach (var container in spec.Containers ?? [])
            total.Add(ContainerRequests(container, nonZeroDefaults));

        var sidecarsSoFar = new ResourceAmounts();
        var initPeak = new ResourceAmounts();
        foreach (var init in spec.InitContainers ?? [])
        {
            var requests = ContainerRequests(init, nonZeroDefaults);
            ResourceAmounts moment;
            if (init.RestartPolicy == "Always")
            {
                // A sidecar keeps running beside the app containers and every later init container.
                total.Add(requests);
                sidecarsSoFar.Add(requests);
                moment = sidecarsSoFar;
            }
            else
            {
                moment = requests.Clone();
                moment.Add(sidecarsSoFar);
            }
            initPeak.MaxWith(moment);
        }
        total.MaxWith(initPeak);

        ApplyPodLevelRequests(spec, total);

        if (spec.Overhead is { Count: > 0 } overhead)
            total.Add(ResourceAmounts.From(overhead));
        return total;
    }

    private static ResourceAmounts ContainerRequests(Container container, bool nonZeroDefaults)
    {
        var requests = container.Resources?.Requests;
        var amounts = ResourceAmounts.From(requests);
        if (nonZeroDefaults)
        {
            // Only a missing key gets the default; an explicit "0" stays zero, as upstream.
            if (requests is null || !requests.ContainsKey(ResourceNames.Cpu))
                amounts.Set(ResourceNames.Cpu, DefaultMilliCpuRequest);
            if (requests is null || !requests.ContainsKey(ResourceNames.Memory))
                amounts.Set(ResourceNames.Memory, DefaultMemoryRequest);
        }
        return amounts;
    }

    private static void ApplyPodLevelRequests(PodSpec spec, ResourceAmounts total)
    {
        // Pod-level resources (spec.resources) only support cpu and memory; when given they are the pod's budget.
        if (spec.Resources?.Requests is not { Count: > 0 } podLevel)
            return;
        foreach (var name in new[] { ResourceNames.Cpu, ResourceNames.Memory })
        {
            if (podLevel.TryGetValue(name, out var quantity))
                total.Set(name, name == ResourceNames.Cpu ? ResourceQuantity.ToMilliUnits(quantity.Value) : ResourceQuantity.ToUnits(quantity.Value));
        }
    }
}
