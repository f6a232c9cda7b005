namespace Shim.Api.ServiceNetwork;

/// <summary>
/// Judges API server identity leases on this server's own clock, as the leader electors do: a lease is live while
/// it changed within the lease duration of when this server saw it change. A lease seen for the first time counts
/// from its renewTime when that is in the past, so a server starting up does not list long-dead peers.
/// </summary>
public sealed class LeaseLiveness(TimeSpan duration)
{
    /// <summary>Per lease: the version last seen, when it counts as renewed, and when this server first saw that version.</summary>
    private readonly Dictionary<string, (string ResourceVersion, DateTimeOffset Since, DateTimeOffset SeenUnchangedSince)> _observed = new(StringComparer.Ordinal);

    /// <summary>Whether the lease (at <paramref name="resourceVersion"/>) is live at <paramref name="now"/>.</summary>
    public bool IsLive(string name, string resourceVersion, DateTimeOffset? renewTime, DateTimeOffset now) => now - Observe(name, resourceVersion, renewTime, now).Since <= duration;

    /// <summary>Whether this server itself watched the lease stay unchanged for longer than the duration (safe to delete whatever the clocks say).</summary>
    public bool IsObservedExpired(string name, DateTimeOffset now) =>
        _observed.TryGetValue(name, out var o) && now - o.Since > duration && now - o.SeenUnchangedSince > duration;

    /// <summary>Forgets leases that no longer exist.</summary>
    public void Retain(IReadOnlySet<string> names)
    {
        foreach (var name in _observed.Keys.Where(n => !names.Contains(n)).ToList())
        {
            _observed.Remove(name);
        }
    }

    private (string ResourceVersion, DateTimeOffset Since, DateTimeOffset SeenUnchangedSince) Observe(string name, string resourceVersion, DateTimeOffset? renewTime, DateTimeOffset now)
    {
        if (_observed.TryGetValue(name, out var known) && known.ResourceVersion == resourceVersion)
        {
            return known;
        }

        var since = known.ResourceVersion is null && renewTime is { } renewed && renewed < now ? renewed : now;
        var observation = (resourceVersion, since, now);
        _observed[name] = observation;
        return observation;
    }
}
