using System.Text;
using Shim.Api.Resources;
using Shim.Api.Selectors;
using Shim.Api.Watch;
using Xunit;

namespace Shim.Api.Tests.Watch;

public sealed class ResourceCacheTests
{
    private static readonly ResourceDefinition ConfigMaps = BuiltInResources.Create().Get("", "configmaps");

    private static CachedObject Cm(string name, long revision, string labels = "{}") =>
        CachedObject.FromStored(ConfigMaps.Key("ns", name),
            Encoding.UTF8.GetBytes($$$"""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"{{{name}}}","namespace":"ns","labels":{{{labels}}}}}"""), revision);

    private static ObjectFilter Filter(string labels = "") => new(ConfigMaps, "ns", LabelSelector.Parse(labels), FieldSelector.Everything);

    [Fact]
    public void SnapshotsOfPastRevisionsStayConsistent()
    {
        var cache = new ResourceCache(ConfigMaps, historyCapacity: 10, () => 0);
        cache.Reset([], 0);
        cache.Apply(new WatchEvent(WatchEventType.Added, 1, Cm("a", 1), null));
        cache.Apply(new WatchEvent(WatchEventType.Added, 2, Cm("b", 2), null));
        cache.Apply(new WatchEvent(WatchEventType.Deleted, 3, Cm("a", 3), null));

        Assert.Equal(["a"], cache.SnapshotAt(1)!.Values.Select(o => o.Name));
        Assert.Equal(["a", "b"], cache.SnapshotAt(2)!.Values.Select(o => o.Name));
        Assert.Equal(["b"], cache.SnapshotAt(3)!.Values.Select(o => o.Name));
    }

    [Fact]
    public void HistoryBeyondCapacityIsGone()
    {
        var cache = new ResourceCache(ConfigMaps, historyCapacity: 2, () => 0);
        cache.Reset([], 0);
        for (var i = 1; i <= 5; i++)
        {
            cache.Apply(new WatchEvent(WatchEventType.Added, i, Cm($"o{i}", i), null));
        }

        Assert.Null(cache.SnapshotAt(2));
        Assert.Null(cache.Watch(Filter(), fromRevision: 2, bookmarks: false));
        var watcher = cache.Watch(Filter(), fromRevision: 3, bookmarks: false)!;
        Assert.Equal([4L, 5L], watcher.Initial.Select(e => e.Revision));
    }

    [Fact]
    public void SelectorTransitionsBecomeAddedAndDeleted()
    {
        var cache = new ResourceCache(ConfigMaps, historyCapacity: 10, () => 0);
        cache.Reset([Cm("a", 1)], 1);
        var watcher = cache.Watch(Filter("x=y"), fromRevision: 1, bookmarks: false)!;
        var labelled = Cm("a", 2, """{"x":"y"}""");
        cache.Apply(new WatchEvent(WatchEventType.Modified, 2, labelled, Cm("a", 1)));
        cache.Apply(new WatchEvent(WatchEventType.Modified, 3, Cm("a", 3, """{"x":"y","z":"1"}"""), labelled));
        cache.Apply(new WatchEvent(WatchEventType.Modified, 4, Cm("a", 4), Cm("a", 3, """{"x":"y","z":"1"}""")));
        cache.Apply(new WatchEvent(WatchEventType.Modified, 5, Cm("a", 5, """{"q":"1"}"""), Cm("a", 4)));

        var seen = new List<(WatchEventType, long, string)>();
        while (watcher.Events.TryRead(out var e))
        {
            seen.Add((e.Type, e.Revision, e.Object!.Object["metadata"]!["resourceVersion"]!.ToString()));
        }

        Assert.Equal([(WatchEventType.Added, 2L, "2"), (WatchEventType.Modified, 3L, "3"), (WatchEventType.Deleted, 4L, "4")], seen);
    }

    [Fact]
    public void SnapshotEnumeratesInKeyOrderAcrossNamespaceBuckets()
    {
        CachedObject In(string ns, string name) => CachedObject.FromStored(ConfigMaps.Key(ns, name),
            Encoding.UTF8.GetBytes($$$"""{"metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}"}}"""), 1);
        var objects = new[] { In("a", "x"), In("a-b", "y"), In("a", "z"), In("b", "w"), In("a0", "v") };
        var snapshot = Snapshot.From(objects);
        Assert.Equal(objects.Select(o => o.Key).Order(StringComparer.Ordinal), snapshot.Select(p => p.Key));
        Assert.Equal(["x", "z"], snapshot.InNamespace("a").Select(p => p.Value.Name));
        Assert.Equal(5, snapshot.Count);
        var smaller = snapshot.Remove(ConfigMaps.Key("a-b", "y"));
        Assert.Equal(4, smaller.Count);
        Assert.Empty(smaller.InNamespace("a-b"));
        Assert.Equal(5, snapshot.Count);
        var filter = new ObjectFilter(ConfigMaps, "a", LabelSelector.Everything, FieldSelector.Everything);
        Assert.Equal(["z"], ResourceCache.Scan(snapshot, filter, afterKey: ConfigMaps.Key("a", "x")).Select(o => o.Name));
    }

    [Fact]
    public void InitialStateListsMatchingObjects()
    {
        var cache = new ResourceCache(ConfigMaps, historyCapacity: 10, () => 7);
        cache.Reset([Cm("a", 1, """{"x":"y"}"""), Cm("b", 2)], 7);
        var watcher = cache.Watch(Filter("x=y"), fromRevision: null, bookmarks: true)!;
        Assert.Equal(["a"], watcher.Initial.Select(e => e.Object!.Name));
        Assert.Equal(7, watcher.StartRevision);
    }
}
