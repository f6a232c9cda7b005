namespace Shim.Controllers.Autoscaling;

/// <summary>The HPA controller's settings, with kube-controller-manager's defaults (--horizontal-pod-autoscaler-*).</summary>
public sealed record HorizontalPodAutoscalerOptions
{
    /// <summary>How often every HPA is evaluated (--horizontal-pod-autoscaler-sync-period).</summary>
    public TimeSpan SyncPeriod { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The usage ratio's allowed distance from 1 (--horizontal-pod-autoscaler-tolerance).</summary>
    public double Tolerance { get; init; } = 0.1;

    /// <summary>The scale-down stabilization window when the HPA does not set one (--horizontal-pod-autoscaler-downscale-stabilization).</summary>
    public TimeSpan DownscaleStabilizationWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>After a pod starts, how long its CPU samples need readiness to count (--horizontal-pod-autoscaler-cpu-initialization-period).</summary>
    public TimeSpan CpuInitializationPeriod { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A pod turning unready this soon after start counts as never ready (--horizontal-pod-autoscaler-initial-readiness-delay).</summary>
    public TimeSpan InitialReadinessDelay { get; init; } = TimeSpan.FromSeconds(30);
}
