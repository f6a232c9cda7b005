using System.Globalization;
using System.Runtime.CompilerServices;
using Shim.Storage.Redis;
using StackExchange.Redis;

namespace Shim.Storage;

/// <summary>
/// The store kept entirely in Redis, so any number of instances connected to the same server and prefix share state.
/// Objects are hashes {v, mod, create}; a score-0 sorted set indexes live keys for prefix listing; the event log is a
/// stream whose entry IDs are "revision-1"; every committed revision is announced on a pub/sub channel.
/// Every write and every list is one Lua script, which Redis runs atomically.
/// </summary>
public sealed class RedisStore : IStore
{
    // Log entries read per round trip when a watch catches up.
    private const int WatchBatchSize = 1000;

    // Fallback poll for a watch that is caught up, in case a notification was lost (e.g. across a reconnect).
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private static readonly RedisValue[] ObjectFields = ["v", "mod", "create"];

    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _db;
    private readonly RedisKeyLayout _keys;
    private readonly string _endpoint;
    private volatile bool _disposed;

    private RedisStore(ConnectionMultiplexer connection, string endpoint, string keyPrefix)
    {
        _connection = connection;
        _db = connection.GetDatabase();
        _keys = new RedisKeyLayout(keyPrefix);
        _endpoint = endpoint;
    }

    public string Description => $"redis at {_endpoint} (key prefix '{_keys.Prefix}')";

    /// <summary>Connects to a standalone Redis (6.2 or later, for XTRIM MINID) at "host:port".</summary>
    public static async Task<RedisStore> ConnectAsync(string endpoint, string keyPrefix, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        cancellationToken.ThrowIfCancellationRequested();

        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(endpoint);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"invalid Redis endpoint '{endpoint}' (expected host:port): {ex.Message}", nameof(endpoint), ex);
        }

        // Fail fast at startup with a clear error instead of handing out a store that is not connected.
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 5000;
        // A list of 100k objects is one large reply; leave room for it.
        options.SyncTimeout = 30000;
        options.ResponseTimeout = 30000;

        ConnectionMultiplexer connection;
        var connecting = ConnectionMultiplexer.ConnectAsync(options);
        try
        {
            connection = await connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisConnectionException ex)
        {
            throw new RedisStoreConnectionException(endpoint, ex);
        }
        catch (OperationCanceledException)
        {
            // The connect cannot be aborted; close the connection it produces so nothing leaks.
            _ = connecting.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            throw;
        }

        try
        {
            var store = new RedisStore(connection, endpoint, keyPrefix);
            // A round trip proves the server answers commands, not just that a socket opened.
            await store._db.PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            connection.Dispose();
            throw new RedisStoreConnectionException(endpoint, ex);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public async Task<long> CurrentRevisionAsync(CancellationToken cancellationToken)
    {
        var value = await _db.StringGetAsync(_keys.Revision).WaitAsync(cancellationToken).ConfigureAwait(false);
        return value.IsNull ? 0 : (long)value;
    }

    public async Task<StoreEntry?> GetAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var fields = await _db.HashGetAsync(_keys.Object(key), ObjectFields).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (fields[1].IsNull)
        {
            return null;
        }

        return new StoreEntry(key, Bytes(fields[0]), (long)fields[1], (long)fields[2]);
    }

    public async Task<StoreSnapshot> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var reply = (RedisResult[])(await _db.ScriptEvaluateAsync(
            RedisScripts.List,
            [_keys.Keys, _keys.Revision],
            [_keys.ObjectPrefix, prefix]).WaitAsync(cancellationToken).ConfigureAwait(false))!;

        var revision = (long)reply[0];
        var entries = new List<StoreEntry>((reply.Length - 1) / 4);
        for (var i = 1; i + 3 < reply.Length; i += 4)
        {
            entries.Add(new StoreEntry((string)reply[i]!, Bytes(reply[i + 1]), (long)reply[i + 2], (long)reply[i + 3]));
        }

        return new StoreSnapshot(revision, entries);
    }

    public async Task<WriteResult> CreateAsync(string key, byte[] value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        // Writes are not abandoned once sent: the outcome would be unknown to the caller.
        cancellationToken.ThrowIfCancellationRequested();
        var reply = (RedisResult[])(await _db.ScriptEvaluateAsync(
            RedisScripts.Create,
            [_keys.Object(key), _keys.Revision, _keys.Keys, _keys.Log],
            [key, value, (RedisValue)(string)_keys.Events!]).ConfigureAwait(false))!;

        var code = (long)reply[0];
        if (code == RedisScripts.AlreadyExists)
        {
            return new WriteResult(WriteStatus.AlreadyExists, 0, EntryAt(key, reply, 1));
        }

        ExpectOk(code);
        var revision = (long)reply[1];
        return new WriteResult(WriteStatus.Ok, revision, new StoreEntry(key, value, revision, revision));
    }

    public async Task<WriteResult> UpdateAsync(string key, byte[] value, long expectedRevision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        cancellationToken.ThrowIfCancellationRequested();
        var reply = (RedisResult[])(await _db.ScriptEvaluateAsync(
            RedisScripts.Update,
            [_keys.Object(key), _keys.Revision, _keys.Keys, _keys.Log],
            [key, value, expectedRevision, (RedisValue)(string)_keys.Events!]).ConfigureAwait(false))!;

        switch ((long)reply[0])
        {
            case RedisScripts.NotFound:
                return new WriteResult(WriteStatus.NotFound, 0, null);
            case RedisScripts.Conflict:
                return new WriteResult(WriteStatus.Conflict, 0, EntryAt(key, reply, 1));
            case var code:
                ExpectOk(code);
                var revision = (long)reply[1];
                return new WriteResult(WriteStatus.Ok, revision, new StoreEntry(key, value, revision, (long)reply[2]));
        }
    }

    public async Task<WriteResult> DeleteAsync(string key, long expectedRevision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        var reply = (RedisResult[])(await _db.ScriptEvaluateAsync(
            RedisScripts.Delete,
            [_keys.Object(key), _keys.Revision, _keys.Keys, _keys.Log],
            [key, expectedRevision, (RedisValue)(string)_keys.Events!]).ConfigureAwait(false))!;

        switch ((long)reply[0])
        {
            case RedisScripts.NotFound:
                return new WriteResult(WriteStatus.NotFound, 0, null);
            case RedisScripts.Conflict:
                return new WriteResult(WriteStatus.Conflict, 0, EntryAt(key, reply, 1));
            case var code:
                ExpectOk(code);
                return new WriteResult(WriteStatus.Ok, (long)reply[1], EntryAt(key, reply, 2));
        }
    }

    /// <remarks>
    /// The cursor advances over every log entry read, matching or not, so compaction only fails a watch whose next
    /// unread entry was trimmed. A lost connection is retried every second until Redis is back.
    /// Cancellation ends the enumeration with <see cref="OperationCanceledException"/> and drops the subscription.
    /// </remarks>
    public async IAsyncEnumerable<StoreEvent> WatchAsync(string prefix, long afterRevision, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var signal = new WatchSignal();
        Action<RedisChannel, RedisValue> onNotify = (_, _) => signal.Fire();
        var subscriber = _connection.GetSubscriber();

        try
        {
            // Subscribe before the first read so no write committed after that read goes unnoticed.
            await subscriber.SubscribeAsync(_keys.Events, onNotify).WaitAsync(cancellationToken).ConfigureAwait(false);
            var cursor = afterRevision;
            while (true)
            {
                var changed = signal.Arm();
                var batch = await ReadLogRetryingAsync(prefix, cursor, cancellationToken).ConfigureAwait(false);
                foreach (var e in batch.Events)
                {
                    yield return e;
                }

                cursor = batch.LastScanned;
                if (batch.Scanned < WatchBatchSize)
                {
                    // Caught up: sleep until a write is announced, or poll in case an announcement was missed.
                    await WaitForChangeAsync(changed, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            // Fire and forget: the caller has finished with the watch, it need not wait for Redis to acknowledge.
            try
            {
                _ = subscriber.UnsubscribeAsync(_keys.Events, onNotify, CommandFlags.FireAndForget);
            }
            catch (ObjectDisposedException)
            {
                // The store was disposed first; its connection, and so the subscription, is already gone.
            }
        }
    }

    public async Task CompactAsync(long revision, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await _db.ScriptEvaluateAsync(
            RedisScripts.Compact,
            [_keys.Revision, _keys.Compacted, _keys.Log],
            [revision]).ConfigureAwait(false);
    }

    public async Task<long> CompactedRevisionAsync(CancellationToken cancellationToken)
    {
        var value = await _db.StringGetAsync(_keys.Compacted).WaitAsync(cancellationToken).ConfigureAwait(false);
        return value.IsNull ? 0 : (long)value;
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await _connection.CloseAsync(allowCommandsToComplete: true).ConfigureAwait(false);
        _connection.Dispose();
    }

    /// <summary>
    /// Rides out a lost connection: the log is durable and the cursor is known, so once the multiplexer reconnects the
    /// watch resumes without losing events. Only cancellation (or a non-connection error) ends it.
    /// </summary>
    private async Task<LogBatch> ReadLogRetryingAsync(string prefix, long cursor, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await ReadLogAsync(prefix, cursor, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisConnectionException or TimeoutException && !_disposed)
            {
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<LogBatch> ReadLogAsync(string prefix, long cursor, CancellationToken cancellationToken)
    {
        // Stream IDs are "revision-1"; reading from "(cursor+1)-0" returns exactly the revisions after the cursor.
        var first = Math.Max(cursor + 1, 0).ToString(CultureInfo.InvariantCulture);
        var reply = (RedisResult[])(await _db.ScriptEvaluateAsync(
            RedisScripts.ReadLog,
            [_keys.Log, _keys.Compacted],
            [cursor, first, WatchBatchSize, prefix]).WaitAsync(cancellationToken).ConfigureAwait(false))!;

        if ((long)reply[0] == RedisScripts.Compacted)
        {
            throw new RevisionCompactedException(cursor, (long)reply[1]);
        }

        var events = new List<StoreEvent>((reply.Length - 3) / 7);
        for (var i = 3; i + 6 < reply.Length; i += 7)
        {
            var type = (string)reply[i + 1]! switch
            {
                "put" => StoreEventType.Put,
                "delete" => StoreEventType.Delete,
                var other => throw new InvalidOperationException($"unknown event type '{other}' in Redis log {(string)_keys.Log!}"),
            };
            var entry = new StoreEntry((string)reply[i + 2]!, Bytes(reply[i + 3]), (long)reply[i + 4], (long)reply[i + 5]);
            events.Add(new StoreEvent(type, (long)reply[i], entry, Created: (string)reply[i + 6]! == "1"));
        }

        return new LogBatch(events, (long)reply[1], (int)(long)reply[2]);
    }

    private static async Task WaitForChangeAsync(Task changed, CancellationToken cancellationToken)
    {
        try
        {
            await changed.WaitAsync(PollInterval, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Poll fallback: read the log again.
        }
    }

    private StoreEntry EntryAt(string key, RedisResult[] reply, int offset) =>
        new(key, Bytes(reply[offset]), (long)reply[offset + 1], (long)reply[offset + 2]);

    private void ExpectOk(long code)
    {
        if (code != RedisScripts.Ok)
        {
            throw new InvalidOperationException($"unexpected reply code {code} from a write script on {Description}");
        }
    }

    // Redis returns an empty string as an empty bulk; normalise to an empty array, never null.
    private static byte[] Bytes(RedisValue value) => (byte[]?)value ?? [];

    private static byte[] Bytes(RedisResult result) => (byte[]?)result ?? [];
}
