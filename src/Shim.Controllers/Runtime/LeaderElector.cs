using Microsoft.Extensions.Logging;
using Shim.Client;
using Shim.Model.Coordination.V1;
using Shim.Model.Meta.V1;

namespace Shim.Controllers.Runtime;

/// <summary>
/// Leader election through a coordination.k8s.io Lease, as client-go's leaderelection: the holder renews the lease every
/// <see cref="LeaderElectionTimings.RetryPeriod"/>; a candidate takes it over once the record has not changed for the
/// lease duration *as observed on its own clock* (so clock skew between servers does not matter). A leader that cannot
/// renew within the renew deadline stops its work before anyone else may take over, then becomes a candidate again.
/// </summary>
public sealed partial class LeaderElector(KubeClient client, string @namespace, string name, string identity, LeaderElectionTimings timings, TimeProvider time, ILogger logger)
{
    private Lease? _observed;
    private DateTimeOffset _observedAt;

    public string Identity => identity;

    /// <summary>Runs <paramref name="lead"/> whenever this process holds the lease; returns when cancelled.</summary>
    public async Task RunAsync(Func<CancellationToken, Task> lead, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!await AcquireAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            LogAcquired(logger, @namespace, name, identity);
            using var leading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var work = lead(leading.Token);
            var renewing = RenewUntilLostAsync(work, leading.Token);
            await Task.WhenAny(work, renewing).ConfigureAwait(false);
            await leading.CancelAsync().ConfigureAwait(false);
            try
            {
                await work.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped because leadership ended or the process is stopping.
            }

            await renewing.ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                await ReleaseAsync().ConfigureAwait(false);
                return;
            }

            LogLost(logger, @namespace, name, identity);
        }
    }

    private async Task<bool> AcquireAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            if (await TryAcquireOrRenewAsync(cancellationToken).ConfigureAwait(false))
            {
                return true;
            }

            try
            {
                await Task.Delay(timings.RetryPeriod, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>Renews every retry period; returns when a renewal has failed for the whole renew deadline (or work ended).</summary>
    private async Task RenewUntilLostAsync(Task work, CancellationToken cancellationToken)
    {
        var lastRenewal = time.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested && !work.IsCompleted)
        {
            try
            {
                await Task.Delay(timings.RetryPeriod, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (await TryAcquireOrRenewAsync(cancellationToken).ConfigureAwait(false))
            {
                lastRenewal = time.GetUtcNow();
            }
            else if (time.GetUtcNow() - lastRenewal >= timings.RenewDeadline)
            {
                return;
            }
        }
    }

    private async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var path = ResourcePath.For<Lease>(@namespace, name);
        try
        {
            var current = await client.GetAsync<Lease>(path, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                var created = await client.CreateAsync(ResourcePath.For<Lease>(@namespace), new Lease
                {
                    Metadata = new ObjectMeta { Name = name, Namespace = @namespace },
                    Spec = Record(now, now, 0),
                }, cancellationToken).ConfigureAwait(false);
                Observe(created, now);
                return true;
            }

            if (_observed?.Metadata?.ResourceVersion != current.Metadata?.ResourceVersion)
            {
                Observe(current, now);
            }

            var spec = current.Spec ?? new LeaseSpec();
            var held = !string.IsNullOrEmpty(spec.HolderIdentity);
            var ours = spec.HolderIdentity == identity;
            var duration = TimeSpan.FromSeconds(spec.LeaseDurationSeconds ?? (int)timings.LeaseDuration.TotalSeconds);
            if (held && !ours && now < _observedAt + duration)
            {
                return false;
            }

            current.Spec = ours
                ? Record(spec.AcquireTime ?? now, now, spec.LeaseTransitions ?? 0)
                : Record(now, now, (spec.LeaseTransitions ?? 0) + 1);
            var updated = await client.ReplaceAsync(path, current, cancellationToken).ConfigureAwait(false);
            Observe(updated, now);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (ApiError e)
        {
            // A conflict means another candidate wrote first; anything else is retried the same way.
            LogAttemptFailed(logger, @namespace, name, e.Message);
            return false;
        }
        catch (HttpRequestException e)
        {
            LogAttemptFailed(logger, @namespace, name, e.Message);
            return false;
        }
    }

    /// <summary>On a clean stop the lease is handed back at once instead of making the standby wait it out.</summary>
    private async Task ReleaseAsync()
    {
        if (_observed is not { Spec.HolderIdentity: var holder } lease || holder != identity)
        {
            return;
        }

        lease.Spec!.HolderIdentity = null;
        lease.Spec.LeaseDurationSeconds = 1;
        lease.Spec.RenewTime = time.GetUtcNow();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.ReplaceAsync(ResourcePath.For<Lease>(@namespace, name), lease, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ApiError or HttpRequestException or OperationCanceledException)
        {
            LogAttemptFailed(logger, @namespace, name, e.Message);
        }
    }

    private LeaseSpec Record(DateTimeOffset acquired, DateTimeOffset renewed, int transitions) => new()
    {
        HolderIdentity = identity,
        LeaseDurationSeconds = (int)timings.LeaseDuration.TotalSeconds,
        AcquireTime = acquired,
        RenewTime = renewed,
        LeaseTransitions = transitions,
    };

    private void Observe(Lease lease, DateTimeOffset at)
    {
        _observed = lease;
        _observedAt = at;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Acquired lease {Namespace}/{Name} as {Identity}")]
    private static partial void LogAcquired(ILogger logger, string @namespace, string name, string identity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost lease {Namespace}/{Name} ({Identity}); stopped and standing by")]
    private static partial void LogLost(ILogger logger, string @namespace, string name, string identity);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Lease {Namespace}/{Name}: {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, string @namespace, string name, string error);
}
