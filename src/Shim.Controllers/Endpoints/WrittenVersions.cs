using System.Globalization;
using Shim.Controllers.Runtime;

namespace Shim.Controllers.Endpoints;

/// <summary>
/// The resourceVersion this controller last wrote per key, so a sync can tell that its informer has not yet seen
/// its own write (upstream's staleEndpointsTracker): acting on the older copy would only fail with a conflict, or
/// with "already exists" right after a create. Resource versions are the store's global revision, so they order.
/// Entries expire after <see cref="Expectations.Timeout"/> in case the write's event was lost.
/// </summary>
public sealed class WrittenVersions(TimeProvider time)
{
    private readonly Dictionary<string, (long Version, DateTimeOffset At)> _written = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public void Record(string key, string? resourceVersion)
    {
        if (Parse(resourceVersion) is { } version)
        {
            lock (_lock)
            {
                _written[key] = (version, time.GetUtcNow());
            }
        }
    }

    /// <summary>True when the cached copy (null: absent) is older than what was written.</summary>
    public bool IsStale(string key, string? cachedResourceVersion, bool cached)
    {
        lock (_lock)
        {
            if (!_written.TryGetValue(key, out var written) || time.GetUtcNow() - written.At > Expectations.Timeout)
            {
                return false;
            }

            return !cached || Parse(cachedResourceVersion) is not { } version || version < written.Version;
        }
    }

    public void Forget(string key)
    {
        lock (_lock)
        {
            _written.Remove(key);
        }
    }

    private static long? Parse(string? resourceVersion) =>
        long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null;
}
