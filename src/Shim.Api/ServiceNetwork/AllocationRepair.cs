using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shim.Api.Watch;
using Shim.Storage;

namespace Shim.Api.ServiceNetwork;

/// <summary>
/// Keeps the allocation keys in step with the stored Services, as upstream's repair loops do: a key no Service uses
/// is freed only after it was found unused, unchanged, in <see cref="LeakChecks"/> consecutive passes (a create
/// claims its keys before it writes the Service, so a young unused key may belong to a write in flight); a Service
/// address or port without a key gets one (Services stored before this allocator, or a release that went wrong).
/// Every API server runs it; the store's compare-and-swap keeps them from freeing what another just claimed.
/// </summary>
public sealed partial class AllocationRepair(IStore store, ServiceAllocator allocator, WatchCacheHub hub, TimeProvider clock, ILogger<AllocationRepair> logger)
    : BackgroundService
{
    public const int LeakChecks = 3;
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private readonly Dictionary<(string Prefix, string Item, long Revision), int> _suspects = [];
    private readonly SemaphoreSlim _gate = new(1, 1);

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    /// <summary>One pass; public so that tests can drive passes without waiting.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Keys first, Services second: a Service written in between is seen, so its keys are never taken as leaks.
            var ipKeys = await allocator.Ips.ListAsync(cancellationToken).ConfigureAwait(false);
            var portKeys = await allocator.NodePorts.ListAsync(cancellationToken).ConfigureAwait(false);
            var services = (await store.ListAsync("/core/services/", cancellationToken).ConfigureAwait(false)).Entries
                .Select(e => CachedObject.FromStored(e.Key, e.Value, e.ModRevision).Object)
                .ToList();
            var usedIps = Owners(services, allocator.HeldClusterIPs);
            var usedPorts = Owners(services, allocator.HeldNodePorts);
            var seen = new HashSet<(string, string, long)>();
            await ReconcileAsync(allocator.Ips, ipKeys, usedIps, seen, cancellationToken).ConfigureAwait(false);
            await ReconcileAsync(allocator.NodePorts, portKeys, usedPorts, seen, cancellationToken).ConfigureAwait(false);
            foreach (var gone in _suspects.Keys.Where(k => !seen.Contains(k)).ToList())
            {
                _suspects.Remove(gone);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await hub.Ready.WaitAsync(stoppingToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (RedisStoreConnectionException ex)
            {
                // The store is away; the next pass repairs.
                LogPassFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private static Dictionary<string, AllocationOwner> Owners(List<System.Text.Json.Nodes.JsonObject> services, Func<System.Text.Json.Nodes.JsonObject, IEnumerable<string>> held)
    {
        var owners = new Dictionary<string, AllocationOwner>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            foreach (var item in held(service))
            {
                owners.TryAdd(item, AllocationOwner.Of(service));
            }
        }

        return owners;
    }

    private async Task ReconcileAsync(AllocationTable table, IReadOnlyList<AllocatedItem> keys, Dictionary<string, AllocationOwner> used,
        HashSet<(string, string, long)> seen, CancellationToken cancellationToken)
    {
        foreach (var key in keys.Where(k => !used.ContainsKey(k.Item)))
        {
            var suspect = (table.Prefix, key.Item, key.Revision);
            seen.Add(suspect);
            var checks = _suspects.GetValueOrDefault(suspect) + 1;
            _suspects[suspect] = checks;
            if (checks >= LeakChecks && await table.DeleteIfUnchangedAsync(key.Item, key.Revision, cancellationToken).ConfigureAwait(false))
            {
                _suspects.Remove(suspect);
                LogLeakFreed(logger, key.Item, key.Owner?.ToString() ?? "?");
            }
        }

        var keyed = keys.Select(k => k.Item).ToHashSet(StringComparer.Ordinal);
        foreach (var (item, owner) in used.Where(u => !keyed.Contains(u.Key)))
        {
            if (await table.TryClaimAsync(item, owner, cancellationToken).ConfigureAwait(false) is not null)
            {
                LogMissingClaimed(logger, item, owner.ToString());
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Freed allocation {Item} (last held by {Service}): no Service uses it")]
    private static partial void LogLeakFreed(ILogger logger, string item, string service);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recorded allocation {Item} used by service {Service}")]
    private static partial void LogMissingClaimed(ILogger logger, string item, string service);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Allocation repair pass failed")]
    private static partial void LogPassFailed(ILogger logger, Exception ex);
}
