namespace Shim.Controllers.Runtime;

/// <summary>kube-controller-manager's and kube-scheduler's defaults: 15 s lease, 10 s renew deadline, 2 s retry period.</summary>
public sealed record LeaderElectionTimings(TimeSpan LeaseDuration, TimeSpan RenewDeadline, TimeSpan RetryPeriod)
{
    public static LeaderElectionTimings Default { get; } = new(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2));
}
