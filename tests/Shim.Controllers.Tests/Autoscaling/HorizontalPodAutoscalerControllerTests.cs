using Shim.Model.Autoscaling.V2;

namespace Shim.Controllers.Tests.Autoscaling;

public sealed class HorizontalPodAutoscalerControllerTests
{
    private static HorizontalPodAutoscalerCondition? Condition(HorizontalPodAutoscaler hpa, string type) =>
        hpa.Status?.Conditions?.FirstOrDefault(c => c.Type == type);

    private static int? Utilization(HorizontalPodAutoscaler hpa) => hpa.Status?.CurrentMetrics?.FirstOrDefault()?.Resource?.Current?.AverageUtilization;

    [Fact]
    public async Task High_utilization_scales_the_target_up_through_its_scale_subresource()
    {
        await using var bed = await HpaTestBed.StartAsync(replicas: 2);
        bed.Metrics.CpuMillis["web-0"] = 90;
        bed.Metrics.CpuMillis["web-1"] = 90;
        await bed.CreateHpaAsync(minReplicas: 1, maxReplicas: 10, cpuUtilization: 50);

        // 90% of the request against a 50% target: ceil(1.8 × 2) = 4.
        var hpa = await bed.UntilAsync(h => h.Status?.DesiredReplicas == 4, "the HPA to scale to 4");
        Assert.Equal(4, await bed.DeploymentReplicasAsync());
        Assert.Equal(2, hpa.Status!.CurrentReplicas);
        Assert.Equal(90, Utilization(hpa));
        Assert.Equal("90m", hpa.Status.CurrentMetrics![0].Resource!.Current!.AverageValue!.Value.Value);
        Assert.NotNull(hpa.Status.LastScaleTime);
        Assert.Equal("SucceededRescale", Condition(hpa, "AbleToScale")!.Reason);
        Assert.Equal("ValidMetricFound", Condition(hpa, "ScalingActive")!.Reason);
        Assert.Equal("the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)", Condition(hpa, "ScalingActive")!.Message);
        Assert.Equal("False", Condition(hpa, "ScalingLimited")!.Status);
        var events = await Support.Eventually.UntilAsync(async () => (await bed.EventsAsync()).FirstOrDefault(e => e.Reason == "SuccessfulRescale"), "the rescale event");
        Assert.Equal("New size: 4; reason: cpu resource utilization (percentage of request) above target", events.Message);
        Assert.Equal("Normal", events.Type);
    }

    [Fact]
    public async Task A_usage_ratio_within_the_tolerance_keeps_the_size()
    {
        await using var bed = await HpaTestBed.StartAsync(replicas: 2);
        bed.Metrics.CpuMillis["web-0"] = 53;
        bed.Metrics.CpuMillis["web-1"] = 54;
        await bed.CreateHpaAsync(minReplicas: 1, maxReplicas: 10, cpuUtilization: 50);

        // 53% against 50%: a ratio of 1.06 is inside the 0.1 tolerance.
        var hpa = await bed.UntilAsync(h => Utilization(h) == 53, "the HPA to report 53% utilization");
        Assert.Equal(2, hpa.Status!.DesiredReplicas);
        Assert.Equal(2, await bed.DeploymentReplicasAsync());
        Assert.Null(hpa.Status.LastScaleTime);
        Assert.Equal("ReadyForNewScale", Condition(hpa, "AbleToScale")!.Reason);
        Assert.DoesNotContain(await bed.EventsAsync(), e => e.Reason == "SuccessfulRescale");
    }

    [Fact]
    public async Task Scale_down_waits_for_the_stabilization_window()
    {
        await using var bed = await HpaTestBed.StartAsync(replicas: 4);
        var start = bed.Clock.GetUtcNow();
        for (var i = 0; i < 4; i++)
        {
            bed.Metrics.CpuMillis[$"web-{i}"] = 10;
        }

        await bed.CreateHpaAsync(minReplicas: 1, maxReplicas: 10, cpuUtilization: 50);

        // The first sync remembers the current size as a recommendation: no scale-down for the next 5 minutes.
        var hpa = await bed.UntilAsync(h => Utilization(h) == 10, "the first evaluation");
        Assert.Equal("ScaleDownStabilized", Condition(hpa, "AbleToScale")!.Reason);
        Assert.Equal(4, hpa.Status!.DesiredReplicas);
        Assert.Equal(4, await bed.DeploymentReplicasAsync());

        hpa = await bed.StepUntilAsync(h => h.Status?.LastScaleTime is not null, "the scale-down", TimeSpan.FromSeconds(5));
        Assert.True(hpa.Status!.LastScaleTime >= start + TimeSpan.FromMinutes(5), $"scaled down at {hpa.Status.LastScaleTime}, started {start}");
        Assert.True(hpa.Status.LastScaleTime <= start + TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(25));
        Assert.Equal(1, hpa.Status.DesiredReplicas);
        Assert.Equal(1, await bed.DeploymentReplicasAsync());
        var rescale = await Support.Eventually.UntilAsync(async () => (await bed.EventsAsync()).FirstOrDefault(e => e.Reason == "SuccessfulRescale"), "the rescale event");
        Assert.Equal("New size: 1; reason: All metrics below target", rescale.Message);
    }

    [Fact]
    public async Task The_count_is_clamped_to_max_replicas_with_ScalingLimited()
    {
        await using var bed = await HpaTestBed.StartAsync(replicas: 2);
        bed.Metrics.CpuMillis["web-0"] = 100;
        bed.Metrics.CpuMillis["web-1"] = 100;
        await bed.CreateHpaAsync(minReplicas: 1, maxReplicas: 3, cpuUtilization: 20);

        // 100% against 20% asks for 10 pods; maxReplicas allows 3.
        var hpa = await bed.UntilAsync(h => h.Status?.DesiredReplicas == 3, "the HPA to stop at maxReplicas");
        Assert.Equal(3, await bed.DeploymentReplicasAsync());
        var limited = Condition(hpa, "ScalingLimited")!;
        Assert.Equal("True", limited.Status);
        Assert.Equal("TooManyReplicas", limited.Reason);
        Assert.Equal("the desired replica count is more than the maximum replica count", limited.Message);
    }

    [Fact]
    public async Task A_target_below_min_replicas_is_raised_to_it()
    {
        await using var bed = await HpaTestBed.StartAsync(replicas: 1);
        bed.Metrics.CpuMillis["web-0"] = 50;
        await bed.CreateHpaAsync(minReplicas: 3, maxReplicas: 5, cpuUtilization: 50);

        await bed.UntilAsync(h => h.Status?.DesiredReplicas == 3, "the HPA to raise the target to minReplicas");
        Assert.Equal(3, await bed.DeploymentReplicasAsync());
        var rescale = await Support.Eventually.UntilAsync(async () => (await bed.EventsAsync()).FirstOrDefault(e => e.Reason == "SuccessfulRescale"), "the rescale event");
        Assert.Equal("New size: 3; reason: Current number of replicas below Spec.MinReplicas", rescale.Message);
    }

    [Fact]
    public async Task Scale_up_policies_limit_each_step()
    {
        await using var bed = await HpaTestBed.StartAsync(replicas: 2);
        bed.Metrics.CpuMillis["web-0"] = 100;
        bed.Metrics.CpuMillis["web-1"] = 100;
        // One pod per minute, however far the metric asks.
        await bed.CreateHpaAsync(minReplicas: 1, maxReplicas: 10, cpuUtilization: 25,
            behavior: """{"scaleUp":{"stabilizationWindowSeconds":0,"selectPolicy":"Max","policies":[{"type":"Pods","value":1,"periodSeconds":60}]}}""");

        var hpa = await bed.UntilAsync(h => h.Status?.DesiredReplicas == 3, "the first step");
        var first = hpa.Status!.LastScaleTime!.Value;
        Assert.Equal(3, await bed.DeploymentReplicasAsync());
        Assert.Equal("ScaleUpLimit", Condition(hpa, "ScalingLimited")!.Reason);
        Assert.Equal("the desired replica count is increasing faster than the maximum scale rate", Condition(hpa, "ScalingLimited")!.Message);

        hpa = await bed.StepUntilAsync(h => h.Status?.DesiredReplicas == 4, "the second step", TimeSpan.FromSeconds(5));
        Assert.True(hpa.Status!.LastScaleTime!.Value - first >= TimeSpan.FromSeconds(60), $"second step {hpa.Status.LastScaleTime} came too soon after {first}");
        Assert.Equal(4, await bed.DeploymentReplicasAsync());
    }

    [Fact]
    public async Task Pods_without_requests_make_the_metric_fail_as_upstream()
    {
        await using var bed = await HpaTestBed.StartAsync(replicas: 1, cpuRequest: "100m");
        await HpaTestBed.AddPodAsync(bed.Client, bed.Clock, "web-norequest", cpuRequest: null);
        bed.Metrics.CpuMillis["web-0"] = 50;
        bed.Metrics.CpuMillis["web-norequest"] = 50;
        await bed.CreateHpaAsync(minReplicas: 1, maxReplicas: 5, cpuUtilization: 50);

        var hpa = await bed.UntilAsync(h => Condition(h, "ScalingActive")?.Status == "False", "ScalingActive to turn False");
        var active = Condition(hpa, "ScalingActive")!;
        Assert.Equal("FailedGetResourceMetric", active.Reason);
        Assert.Equal("the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container app of Pod web-norequest", active.Message);
        Assert.Equal(1, await bed.DeploymentReplicasAsync());
        await Support.Eventually.UntilAsync(async () => (await bed.EventsAsync()).FirstOrDefault(e => e.Reason == "FailedComputeMetricsReplicas"), "the warning event");
    }
}
