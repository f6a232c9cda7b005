namespace Shim.Storage.Tests;

/// <summary>Reads a watch until a condition holds, with a deadline so a broken watch fails the test instead of hanging it.</summary>
internal static class WatchReader
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Collects events up to and including the first one matching <paramref name="last"/>.</summary>
    public static async Task<List<StoreEvent>> ReadUntilAsync(IStore store, string prefix, long afterRevision, Func<StoreEvent, bool> last, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var events = new List<StoreEvent>();
        try
        {
            await foreach (var e in store.WatchAsync(prefix, afterRevision, cts.Token))
            {
                events.Add(e);
                if (last(e))
                {
                    return events;
                }
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            // Reported below with what did arrive.
        }

        throw new TimeoutException(
            $"watch '{prefix}' after {afterRevision} did not deliver the expected event within {timeout ?? DefaultTimeout}; got: " +
            string.Join(", ", events.Select(e => $"{e.Type} {e.Entry.Key}@{e.Revision}")));
    }

    /// <summary>Collects exactly <paramref name="count"/> events.</summary>
    public static async Task<List<StoreEvent>> ReadAsync(IStore store, string prefix, long afterRevision, int count, TimeSpan? timeout = null)
    {
        var seen = 0;
        return await ReadUntilAsync(store, prefix, afterRevision, _ => ++seen == count, timeout);
    }
}
