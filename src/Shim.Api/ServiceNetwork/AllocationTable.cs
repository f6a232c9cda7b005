using Shim.Storage;

namespace Shim.Api.ServiceNetwork;

/// <summary>
/// One pool's allocations as store keys, one key per allocated item under a prefix no resource is served from
/// (the role of upstream's IPAddress objects). Claiming is the store's atomic create, so API servers sharing one
/// store never hand out the same item twice.
/// </summary>
public sealed class AllocationTable(IStore store, string prefix)
{
    public string Prefix => prefix;

    /// <summary>Claims the item; the key's revision, or null when someone holds it already.</summary>
    public async Task<long?> TryClaimAsync(string item, AllocationOwner owner, CancellationToken cancellationToken)
    {
        var result = await store.CreateAsync(prefix + item, owner.ToBytes(), cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? result.Revision : null;
    }

    public async Task<bool> IsTakenAsync(string item, CancellationToken cancellationToken) =>
        await store.GetAsync(prefix + item, cancellationToken).ConfigureAwait(false) is not null;

    public async Task<IReadOnlyList<AllocatedItem>> ListAsync(CancellationToken cancellationToken)
    {
        var snapshot = await store.ListAsync(prefix, cancellationToken).ConfigureAwait(false);
        return snapshot.Entries.Select(e => new AllocatedItem(e.Key[prefix.Length..], AllocationOwner.FromBytes(e.Value), e.ModRevision)).ToList();
    }

    /// <summary>Frees the item if <paramref name="ownerUid"/> still holds it; false when it did not.</summary>
    public async Task<bool> ReleaseAsync(string item, string ownerUid, CancellationToken cancellationToken)
    {
        var entry = await store.GetAsync(prefix + item, cancellationToken).ConfigureAwait(false);
        if (entry is null || AllocationOwner.FromBytes(entry.Value)?.Uid != ownerUid)
        {
            return false;
        }

        return (await store.DeleteAsync(prefix + item, entry.ModRevision, cancellationToken).ConfigureAwait(false)).Succeeded;
    }

    /// <summary>Frees the item only if its key is still the one written at <paramref name="revision"/>.</summary>
    public async Task<bool> DeleteIfUnchangedAsync(string item, long revision, CancellationToken cancellationToken) =>
        (await store.DeleteAsync(prefix + item, revision, cancellationToken).ConfigureAwait(false)).Succeeded;
}
