using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Shim.Agent.Services;

namespace Shim.Agent.Proxy;

/// <summary>
/// The agent's service proxy (kube-proxy's iptables mode): renders the catalog's services and endpoint slices into
/// SHIM- chains and applies them with one iptables-restore per sync. Changes are coalesced (<see cref="RequestSync"/>)
/// and applied at most once per MinSyncPeriod; a partial sync writes only the chains that changed, a full sync
/// (the first, every FullSyncPeriod, and after any failure) reads iptables-save first, then writes all chains, deletes
/// stale SHIM- chains and inserts the missing jump rules from the built-in chains, all in one restore. Between syncs
/// it checks every JumpCheckPeriod that the jumps are still in place and runs a full sync when they are not.
/// </summary>
public sealed partial class ServiceProxier
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(30);

    private readonly ProxierOptions _options;
    private readonly IServiceCatalog _catalog;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly IptablesCommands _iptables;
    private readonly ConntrackCleaner _conntrack;
    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly SemaphoreSlim _syncing = new(1, 1);
    private volatile string? _podCidr;
    private volatile ProxySyncResult? _lastSync;
    private long _syncCount;

    // Owned by whoever holds _syncing.
    private ProxyRuleSet? _applied;
    private DateTimeOffset _nextFullSync = DateTimeOffset.MinValue;
    private long _lastSyncStart;
    private bool? _randomFully;
    private bool _conntrackFailedBefore;

    // Owned by the RunAsync loop.
    private DateTimeOffset _nextJumpCheck = DateTimeOffset.MinValue;

    public ServiceProxier(ProxierOptions options, IServiceCatalog catalog, ILogger<ServiceProxier> logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.ClusterCidr);
        _options = options;
        _catalog = catalog;
        _logger = logger;
        _time = time;
        _podCidr = options.PodCidr;
        _iptables = new IptablesCommands(options);
        _conntrack = new ConntrackCleaner(options);
    }

    /// <summary>The last successful sync, or null before the first.</summary>
    public ProxySyncResult? LastSync => _lastSync;

    /// <summary>Successful syncs so far.</summary>
    public long SyncCount => Interlocked.Read(ref _syncCount);

    /// <summary>Asks for a sync soon; any number of calls before it starts lead to one sync. Safe from any thread.</summary>
    public void RequestSync() => _requests.Writer.TryWrite(true);

    /// <summary>Sets this node's pod CIDR once known (it enables the pod masquerade rule) and asks for a sync.</summary>
    public void SetPodCidr(string? podCidr)
    {
        _podCidr = podCidr;
        RequestSync();
    }

    /// <summary>
    /// Syncs at once, then whenever <see cref="RequestSync"/> was called (no sooner than MinSyncPeriod after the last
    /// sync started) and every FullSyncPeriod; a failed sync is retried with backoff (1 s doubling to 30 s) as a full
    /// one. Start it once the catalog holds its first lists, or the first sync removes every service's rules.
    /// Returns when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        RequestSync();
        var failures = 0;
        try
        {
            while (true)
            {
                if (failures > 0)
                {
                    var backoff = TimeSpan.FromTicks(Math.Min(LongestRetry.Ticks, FirstRetry.Ticks << Math.Min(failures - 1, 10)));
                    await Task.Delay(backoff, _time, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    var due = _nextFullSync < _nextJumpCheck ? _nextFullSync : _nextJumpCheck;
                    await WaitForRequestAsync(due - _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                    var onlyJumpCheckDue = !_requests.Reader.TryPeek(out _) && _time.GetUtcNow() < _nextFullSync;
                    if (onlyJumpCheckDue && await JumpsInPlaceAsync(cancellationToken).ConfigureAwait(false))
                    {
                        continue;
                    }
                }

                var sinceLast = _time.GetElapsedTime(_lastSyncStart);
                if (_lastSyncStart != 0 && sinceLast < _options.MinSyncPeriod)
                {
                    await Task.Delay(_options.MinSyncPeriod - sinceLast, _time, cancellationToken).ConfigureAwait(false);
                }

                // Requests made until now are covered by this sync.
                _requests.Reader.TryRead(out _);
                try
                {
                    await SyncAsync(cancellationToken).ConfigureAwait(false);
                    failures = 0;
                }
                catch (IptablesException e)
                {
                    failures++;
                    LogSyncFailed(_logger, failures, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Syncs once, now (waiting for a sync in progress to finish). Throws <see cref="IptablesException"/> when iptables fails.</summary>
    public async Task<ProxySyncResult> SyncAsync(CancellationToken cancellationToken)
    {
        await _syncing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var result = await SyncLockedAsync(cancellationToken).ConfigureAwait(false);
            _lastSync = result;
            Interlocked.Increment(ref _syncCount);
            if (result.Full)
            {
                LogFullSync(_logger, result.ServicePorts, result.Endpoints, result.Rules, result.Deleted.Count, result.Duration.TotalMilliseconds);
            }
            else
            {
                LogPartialSync(_logger, result.Written.Count, result.Deleted.Count, result.Duration.TotalMilliseconds);
            }

            return result;
        }
        finally
        {
            _syncing.Release();
        }
    }

    /// <summary>Removes every jump rule and SHIM- chain the proxy installs, also those of an earlier agent (<c>shim agent --cleanup</c>).</summary>
    public async Task CleanupAsync(CancellationToken cancellationToken)
    {
        await _syncing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _applied = null;
            var plan = RestorePlan.Cleanup(await _iptables.SaveAsync(cancellationToken).ConfigureAwait(false));
            if (plan.Input.Length > 0)
            {
                await _iptables.RestoreAsync(plan.Input, cancellationToken).ConfigureAwait(false);
            }

            LogCleanedUp(_logger, plan.Deleted.Count);
        }
        finally
        {
            _syncing.Release();
        }
    }

    private async Task<ProxySyncResult> SyncLockedAsync(CancellationToken cancellationToken)
    {
        _lastSyncStart = _time.GetTimestamp();
        var full = _applied is null || _time.GetUtcNow() >= _nextFullSync;
        _randomFully ??= await _iptables.SupportsRandomFullyAsync(cancellationToken).ConfigureAwait(false);

        var renderStart = _time.GetTimestamp();
        // A partial sync reuses the rules of unchanged service ports; a full one renders everything anew.
        var desired = ProxyRuleRenderer.Render(_catalog.Services(), _catalog.EndpointSlices(), _options with { PodCidr = _podCidr }, _randomFully.Value, full ? null : _applied);
        var current = full ? await _iptables.SaveAsync(cancellationToken).ConfigureAwait(false) : null;
        var plan = RestorePlan.Create(desired, full ? null : _applied, current);
        var renderDuration = _time.GetElapsedTime(renderStart);

        // Whatever fails below leaves iptables in an unknown state: the next sync must be a full one.
        _applied = null;
        var restoreStart = _time.GetTimestamp();
        if (plan.Input.Length > 0)
        {
            await _iptables.RestoreAsync(plan.Input, cancellationToken).ConfigureAwait(false);
        }

        var restoreDuration = _time.GetElapsedTime(restoreStart);
        if (full)
        {
            _nextFullSync = _time.GetUtcNow() + _options.FullSyncPeriod;
        }

        _applied = desired;
        await CleanConntrackAsync(desired, cancellationToken).ConfigureAwait(false);
        return new ProxySyncResult(full, _time.GetElapsedTime(_lastSyncStart), renderDuration, restoreDuration, desired.ServicePorts, desired.Endpoints, desired.Rules, plan.Written, plan.Deleted, plan.JumpsInserted.Count);
    }

    /// <summary>
    /// Whether the jumps into our chains are where the last full sync would put them now (read with one cheap
    /// <c>iptables -S</c> per built-in chain). When they are not, the next sync is made a full one, which puts them back.
    /// </summary>
    private async Task<bool> JumpsInPlaceAsync(CancellationToken cancellationToken)
    {
        _nextJumpCheck = _time.GetUtcNow() + _options.JumpCheckPeriod;
        if (_lastSync is null)
        {
            return true; // nothing installed yet: the first sync is a full one anyway
        }

        try
        {
            var current = await _iptables.ListAsync(JumpRule.HostChains, cancellationToken).ConfigureAwait(false);
            var wanted = JumpRule.For(current);
            if (!current.MissingJumps(wanted).Any() && !current.StrayJumps(ProxyRuleSet.FilterTable, wanted).Any() && !current.StrayJumps(ProxyRuleSet.NatTable, wanted).Any())
            {
                return true;
            }
        }
        catch (IptablesException)
        {
            // iptables could not run: the full sync below reports why.
        }

        LogJumpsMoved(_logger);
        await _syncing.WaitAsync(cancellationToken).ConfigureAwait(false);
        _applied = null; // the next sync is a full one
        _syncing.Release();
        return false;
    }

    /// <summary>Deletes UDP flows pinned to gone endpoints; a failure there is logged (loudly once) and does not fail the sync.</summary>
    private async Task CleanConntrackAsync(ProxyRuleSet rules, CancellationToken cancellationToken)
    {
        try
        {
            var deleted = await _conntrack.CleanAsync(rules, cancellationToken).ConfigureAwait(false);
            if (deleted > 0)
            {
                LogConntrackCleaned(_logger, deleted);
            }
        }
        catch (IptablesException e)
        {
            LogConntrackFailed(_logger, _conntrackFailedBefore ? LogLevel.Debug : LogLevel.Warning, e.Message);
            _conntrackFailedBefore = true;
        }
    }

    private async Task WaitForRequestAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (timeout <= TimeSpan.Zero || _requests.Reader.TryPeek(out _))
        {
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var request = _requests.Reader.WaitToReadAsync(stop.Token).AsTask();
        var due = Task.Delay(timeout, _time, stop.Token);
        await Task.WhenAny(request, due).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Service proxy full sync: {ServicePorts} service ports, {Endpoints} endpoints, {Rules} rules, {Deleted} stale chains deleted, {Milliseconds:F0} ms")]
    private static partial void LogFullSync(ILogger logger, int servicePorts, int endpoints, int rules, int deleted, double milliseconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Service proxy sync: {Written} chains written, {Deleted} deleted, {Milliseconds:F1} ms")]
    private static partial void LogPartialSync(ILogger logger, int written, int deleted, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service proxy sync failed (attempt {Attempt}), retrying with a full sync: {Error}")]
    private static partial void LogSyncFailed(ILogger logger, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service proxy jump rules are missing or misplaced (iptables flushed, or dockerd started): full sync")]
    private static partial void LogJumpsMoved(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Service proxy deleted stale UDP conntrack entries ({Pairs} service frontend / gone endpoint pairs)")]
    private static partial void LogConntrackCleaned(ILogger logger, int pairs);

    [LoggerMessage(Message = "Service proxy could not clean stale UDP conntrack entries: {Error}")]
    private static partial void LogConntrackFailed(ILogger logger, LogLevel level, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Service proxy rules removed ({Chains} chains)")]
    private static partial void LogCleanedUp(ILogger logger, int chains);
}
