using System.Collections;
using System.Collections.Immutable;

namespace Shim.Api.Watch;

/// <summary>
/// An immutable state of one resource, bucketed by namespace so a namespaced LIST reads only its namespace.
/// Buckets are ordered by "namespace/" and hold keys in order, so enumeration yields keys in global key order
/// (a namespace never ends in '/', hence "a/" vs "a-b/" orders exactly like the full keys).
/// </summary>
public sealed class Snapshot : IEnumerable<KeyValuePair<string, CachedObject>>
{
    public static readonly Snapshot Empty = new(ImmutableSortedDictionary.Create<string, ImmutableSortedDictionary<string, CachedObject>>(StringComparer.Ordinal), 0);

    private static readonly ImmutableSortedDictionary<string, CachedObject> EmptyBucket = ImmutableSortedDictionary.Create<string, CachedObject>(StringComparer.Ordinal);
    private readonly ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, CachedObject>> _buckets;

    private Snapshot(ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, CachedObject>> buckets, int count)
    {
        _buckets = buckets;
        Count = count;
    }

    public int Count { get; }

    public IEnumerable<CachedObject> Values => this.Select(p => p.Value);

    public static Snapshot From(IEnumerable<CachedObject> objects) => objects.Aggregate(Empty, (s, o) => s.SetItem(o.Key, o));

    public bool TryGetValue(string key, out CachedObject value)
    {
        if (_buckets.TryGetValue(Bucket(key), out var bucket) && bucket.TryGetValue(key, out var found))
        {
            value = found;
            return true;
        }

        value = null!;
        return false;
    }

    public CachedObject? GetValueOrDefault(string key) => TryGetValue(key, out var value) ? value : null;

    public Snapshot SetItem(string key, CachedObject value)
    {
        var name = Bucket(key);
        var bucket = _buckets.GetValueOrDefault(name) ?? EmptyBucket;
        var count = bucket.ContainsKey(key) ? Count : Count + 1;
        return new Snapshot(_buckets.SetItem(name, bucket.SetItem(key, value)), count);
    }

    public Snapshot Remove(string key)
    {
        var name = Bucket(key);
        if (!_buckets.TryGetValue(name, out var bucket) || !bucket.ContainsKey(key))
        {
            return this;
        }

        var smaller = bucket.Remove(key);
        return new Snapshot(smaller.IsEmpty ? _buckets.Remove(name) : _buckets.SetItem(name, smaller), Count - 1);
    }

    /// <summary>The objects of one namespace ("namespace/" prefix), in key order.</summary>
    public IEnumerable<KeyValuePair<string, CachedObject>> InNamespace(string ns) =>
        _buckets.TryGetValue(ns + "/", out var bucket) ? bucket : [];

    public IEnumerator<KeyValuePair<string, CachedObject>> GetEnumerator() => _buckets.Values.SelectMany(b => b).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Keys are /group/resource/[namespace/]name: the bucket is "namespace/" (or "" for cluster-scoped).</summary>
    private static string Bucket(string key)
    {
        var last = key.LastIndexOf('/');
        var resourceEnd = key.IndexOf('/', key.IndexOf('/', 1) + 1);
        return last > resourceEnd ? key[(resourceEnd + 1)..(last + 1)] : "";
    }
}
