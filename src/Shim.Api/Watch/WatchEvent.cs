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
    /// <summary>The plain-JSON watch line, encoded once and shared by every watcher that receives this event.</summary>
    internal byte[]? EncodedJson { get; set; }

    public static string Name(WatchEventType type) => type switch
    {
        WatchEventType.Added => "ADDED",
        WatchEventType.Modified => "MODIFIED",
        WatchEventType.Deleted => "DELETED",
        _ => "BOOKMARK",
    };
}
