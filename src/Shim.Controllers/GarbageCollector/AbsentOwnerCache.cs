namespace Shim.Controllers.GarbageCollector;

/// <summary>
/// Owners verified absent, by their full coordinates including uid (a uid never comes back, so an entry never goes
/// stale). Saves a GET per dependent when many dependents of one deleted owner are collected. Bounded: oldest out first.
/// </summary>
internal sealed class AbsentOwnerCache(int capacity)
{
    private readonly Lock _gate = new();
    private readonly HashSet<ObjectIdentity> _absent = [];
    private readonly Queue<ObjectIdentity> _order = new();

    public void Add(ObjectIdentity owner)
    {
        lock (_gate)
        {
            if (!_absent.Add(owner))
            {
                return;
            }

            _order.Enqueue(owner);
            if (_order.Count > capacity)
            {
                _absent.Remove(_order.Dequeue());
            }
        }
    }

    public bool Contains(ObjectIdentity owner)
    {
        lock (_gate)
        {
            return _absent.Contains(owner);
        }
    }
}
