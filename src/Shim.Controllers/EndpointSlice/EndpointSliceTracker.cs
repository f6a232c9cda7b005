using System.Globalization;
using Shim.Controllers.Runtime;
using EndpointSliceKind = Shim.Model.Discovery.V1.EndpointSlice;

namespace Shim.Controllers.EndpointSlices;

/// <summary>
/// The slices this controller wrote, per service, with the resourceVersion it wrote (or "deletion expected"), as
/// upstream's EndpointSliceTracker does with generations (Shim's slices have no generation; resource versions are
/// the store's global revision and order the same way). It tells the controller whether a slice event is merely
/// the echo of its own write, and whether the informer has caught up with its writes: a sync on an older cache
/// would create duplicate slices. A service's entries expire after <see cref="Expectations.Timeout"/>, so a lost
/// event cannot stall it forever.
/// </summary>
public sealed class EndpointSliceTracker(TimeProvider time)
{
    private const long DeletionExpected = -1;

    private readonly Dictionary<string, Written> _byService = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>The key of the service a slice belongs to (its namespace and service-name label).</summary>
    public static string ServiceKeyOf(EndpointSliceKind slice) =>
        $"{slice.Metadata?.Namespace}/{slice.Metadata?.Labels?.GetValueOrDefault(EndpointSliceLabels.ServiceName)}";

    public bool Has(EndpointSliceKind slice)
    {
        lock (_lock)
        {
            return Current(ServiceKeyOf(slice)) is { } written && written.Versions.ContainsKey(Uid(slice));
        }
    }

    /// <summary>True unless this is a version of the slice the controller wrote itself (or an older one).</summary>
    public bool ShouldSync(EndpointSliceKind slice)
    {
        lock (_lock)
        {
            return Current(ServiceKeyOf(slice)) is not { } written || !written.Versions.TryGetValue(Uid(slice), out var version)
                || Version(slice) > version;
        }
    }

    /// <summary>
    /// True when the cached slices of the service are behind this controller's writes: a written slice is older in
    /// the cache or missing from it, or a deleted one is still there.
    /// </summary>
    public bool IsStale(string serviceKey, IReadOnlyCollection<EndpointSliceKind> cached)
    {
        lock (_lock)
        {
            if (Current(serviceKey) is not { } written)
            {
                return false;
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var slice in cached)
            {
                seen.Add(Uid(slice));
                if (written.Versions.TryGetValue(Uid(slice), out var version) && (version == DeletionExpected || version > Version(slice)))
                {
                    return true;
                }
            }

            return written.Versions.Any(kv => kv.Value != DeletionExpected && !seen.Contains(kv.Key));
        }
    }

    /// <summary>Records a slice as created or updated by this controller (the object the server returned).</summary>
    public void Update(EndpointSliceKind slice) => Set(slice, Version(slice));

    public void ExpectDeletion(EndpointSliceKind slice) => Set(slice, DeletionExpected);

    /// <summary>Forgets a deleted slice; false when its deletion was not this controller's doing.</summary>
    public bool HandleDeletion(EndpointSliceKind slice)
    {
        lock (_lock)
        {
            if (Current(ServiceKeyOf(slice)) is not { } written || !written.Versions.Remove(Uid(slice), out var version))
            {
                return false;
            }

            return version == DeletionExpected;
        }
    }

    public void Forget(string serviceKey)
    {
        lock (_lock)
        {
            _byService.Remove(serviceKey);
        }
    }

    private void Set(EndpointSliceKind slice, long version)
    {
        lock (_lock)
        {
            var key = ServiceKeyOf(slice);
            var written = Current(key) ?? new Written(new Dictionary<string, long>(StringComparer.Ordinal));
            written.Versions[Uid(slice)] = version;
            written.LastWrite = time.GetUtcNow();
            _byService[key] = written;
        }
    }

    /// <summary>The service's entries unless they expired (then dropped). Call under the lock.</summary>
    private Written? Current(string serviceKey)
    {
        if (!_byService.TryGetValue(serviceKey, out var written))
        {
            return null;
        }

        if (time.GetUtcNow() - written.LastWrite > Expectations.Timeout)
        {
            _byService.Remove(serviceKey);
            return null;
        }

        return written;
    }

    private static string Uid(EndpointSliceKind slice) => slice.Metadata?.Uid ?? "";

    private static long Version(EndpointSliceKind slice) =>
        long.TryParse(slice.Metadata?.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : 0;

    private sealed class Written(Dictionary<string, long> versions)
    {
        public Dictionary<string, long> Versions { get; } = versions;

        public DateTimeOffset LastWrite { get; set; }
    }
}
