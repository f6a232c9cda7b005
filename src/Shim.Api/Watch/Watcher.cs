using System.Threading.Channels;

namespace Shim.Api.Watch;

/// <summary>
/// One open watch. The cache writes matching events in revision order; the HTTP handler drains them.
/// A watcher that falls too far behind is closed (the client re-watches from its last revision), so one slow
/// client never holds up the others.
/// </summary>
public sealed class Watcher
{
    private const int Capacity = 4096;
    private readonly Channel<WatchEvent> _events = Channel.CreateBounded<WatchEvent>(new BoundedChannelOptions(Capacity) { SingleReader = true });

    public Watcher(ObjectFilter filter, bool bookmarks)
    {
        Filter = filter;
        Bookmarks = bookmarks;
    }

    public ObjectFilter Filter { get; }
    public bool Bookmarks { get; }

    /// <summary>The revision of the state the initial events describe.</summary>
    public long StartRevision { get; init; }

    /// <summary>Events to send before the live ones (initial state or replayed history), already filtered.</summary>
    public List<WatchEvent> Initial { get; } = [];

    public ChannelReader<WatchEvent> Events => _events.Reader;

    /// <summary>Offers a change; applies selector transitions (left the selection → DELETED, entered → ADDED).</summary>
    public void Offer(WatchEvent e)
    {
        var translated = Translate(e, Filter);
        if (translated is not null && !_events.Writer.TryWrite(translated))
        {
            _events.Writer.TryComplete();
        }
    }

    public void OfferBookmark(long revision)
    {
        if (Bookmarks)
        {
            _events.Writer.TryWrite(new WatchEvent(WatchEventType.Bookmark, revision, null, null));
        }
    }

    public void Close() => _events.Writer.TryComplete();

    /// <summary>The event a watcher with this filter sees for a change, or null.</summary>
    public static WatchEvent? Translate(WatchEvent e, ObjectFilter filter)
    {
        if (e.Type == WatchEventType.Bookmark)
        {
            return e;
        }

        var now = e.Object is not null && filter.Matches(e.Object);
        var before = e.Previous is not null && filter.Matches(e.Previous);
        return e.Type switch
        {
            WatchEventType.Added => now ? e : null,
            WatchEventType.Deleted => now ? e : null,
            _ when now && before => e,
            _ when now => e with { Type = WatchEventType.Added },
            // Left the selection: the client sees it deleted, with the old content at the new revision.
            _ when before => new WatchEvent(WatchEventType.Deleted, e.Revision, e.Previous!.AtRevision(e.Revision), null),
            _ => null,
        };
    }
}
