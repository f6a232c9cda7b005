using Microsoft.Extensions.Logging;
using Shim.Api.Registry;

namespace Shim.Api.ServiceNetwork;

/// <summary>
/// The allocations of one Service write, like upstream's allocator transactions: items claimed now (given back if
/// the write fails), items to free once the write succeeded. A dry run only checks: it claims and frees nothing.
/// </summary>
public sealed partial class AllocationOperation(AllocationOwner owner, bool dryRun, ILogger logger) : IWriteTransaction
{
    /// <summary>Random attempts in the dynamic band before listing what is held (cheap while the range is sparse).</summary>
    private const int RandomProbes = 8;

    private readonly List<(AllocationTable Table, string Item, long Revision)> _claimed = [];
    private readonly List<(AllocationTable Table, string Item)> _releases = [];
    private readonly HashSet<(string Prefix, string Item)> _unavailable = [];

    /// <summary>Claims the item; false when it is held, by anyone or by this operation already.</summary>
    public async Task<bool> TryClaimAsync(AllocationTable table, string item, CancellationToken cancellationToken)
    {
        if (!_unavailable.Add((table.Prefix, item)))
        {
            return false;
        }

        if (dryRun)
        {
            return !await table.IsTakenAsync(item, cancellationToken).ConfigureAwait(false);
        }

        if (await table.TryClaimAsync(item, owner, cancellationToken).ConfigureAwait(false) is not { } revision)
        {
            return false;
        }

        _claimed.Add((table, item, revision));
        return true;
    }

    /// <summary>
    /// Claims a free item of a range of <paramref name="size"/> items: first at random above <paramref name="offset"/>
    /// (the dynamic band), then below it, as upstream leaves the low band to requested values.
    /// </summary>
    public async Task<string> ClaimNextAsync(AllocationTable table, long size, long offset, Func<long, string> itemAt, CancellationToken cancellationToken)
    {
        var dynamicSize = size - offset;
        for (var probe = 0; probe < RandomProbes && dynamicSize > 0; probe++)
        {
            var item = itemAt(offset + Random.Shared.NextInt64(dynamicSize));
            if (!_unavailable.Contains((table.Prefix, item)) && await TryClaimAsync(table, item, cancellationToken).ConfigureAwait(false))
            {
                return item;
            }
        }

        var held = (await table.ListAsync(cancellationToken).ConfigureAwait(false)).Select(a => a.Item).ToHashSet(StringComparer.Ordinal);
        foreach (var index in ScanOrder(offset, dynamicSize).Concat(ScanOrder(0, offset)))
        {
            var item = itemAt(index);
            if (!held.Contains(item) && !_unavailable.Contains((table.Prefix, item)) && await TryClaimAsync(table, item, cancellationToken).ConfigureAwait(false))
            {
                return item;
            }
        }

        throw new AllocationFailedException(AllocationFailedException.RangeFull);
    }

    /// <summary>Frees the item when the write succeeds (if this Service still holds it).</summary>
    public void ReleaseOnCommit(AllocationTable table, string item) => _releases.Add((table, item));

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        if (dryRun)
        {
            return;
        }

        foreach (var (table, item) in _releases)
        {
            await GuardAsync(() => table.ReleaseAsync(item, owner.Uid, cancellationToken), item).ConfigureAwait(false);
        }

        _releases.Clear();
        _claimed.Clear();
    }

    public async Task RevertAsync(CancellationToken cancellationToken)
    {
        if (dryRun)
        {
            return;
        }

        foreach (var (table, item, revision) in _claimed)
        {
            await GuardAsync(() => table.DeleteIfUnchangedAsync(item, revision, cancellationToken), item).ConfigureAwait(false);
        }

        _claimed.Clear();
        _releases.Clear();
    }

    /// <summary>Items from a random start to the end of the band, then from its beginning.</summary>
    private static IEnumerable<long> ScanOrder(long first, long count)
    {
        if (count <= 0)
        {
            yield break;
        }

        var start = Random.Shared.NextInt64(count);
        for (var i = 0L; i < count; i++)
        {
            yield return first + ((start + i) % count);
        }
    }

    /// <summary>The Service write already has its outcome; a failure to free is left to the repair loop, not reported to the client.</summary>
    private async Task GuardAsync(Func<Task<bool>> action, string item)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Any store failure here only leaks an allocation, which AllocationRepair reclaims.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogReleaseFailed(logger, item, owner.ToString(), ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not free allocation {Item} of service {Service}; the repair loop will")]
    private static partial void LogReleaseFailed(ILogger logger, string item, string service, Exception ex);
}
