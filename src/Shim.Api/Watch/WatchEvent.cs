namespace Shim.Api.Watch;

public enum WatchEventType
{
    Added,
    Modified,
    Deleted,
    Bookmark,
}

/// <summary>A change to one object. <see cref="Previous"/> is the state before (for selector transitions); null on ADDED and bookmarks.</summary>
public sealed record WatchEvent(WatchEventType Type, long Revision, CachedObject? Object, CachedObject? Previous)
{
    public static string Name(WatchEventType type) => type switch
    {
        WatchEventType.Added => "ADDED",
        WatchEventType.Modified => "MODIFIED",
        WatchEventType.Deleted => "DELETED",
        _ => "BOOKMARK",
    };
}
