using StackExchange.Redis;

namespace Shim.Storage.Redis;

/// <summary>
/// Names of every Redis key one store uses. All share the caller's prefix so several clusters (or test runs)
/// can live in one Redis; no hash tags, because the store targets a single standalone server.
/// </summary>
internal sealed class RedisKeyLayout(string prefix)
{
    public string Prefix { get; } = prefix;

    /// <summary>Global revision counter (INCR).</summary>
    public RedisKey Revision { get; } = prefix + "rev";

    /// <summary>The revision the event log has been compacted to.</summary>
    public RedisKey Compacted { get; } = prefix + "compacted";

    /// <summary>Sorted set of live keys, all with score 0, so ZRANGEBYLEX lists a prefix in byte order.</summary>
    public RedisKey Keys { get; } = prefix + "keys";

    /// <summary>Stream holding the event log; entry IDs are "revision-1".</summary>
    public RedisKey Log { get; } = prefix + "log";

    /// <summary>Prefix of the per-object hashes {v, mod, create}.</summary>
    public string ObjectPrefix { get; } = prefix + "o:";

    /// <summary>Pub/sub channel announcing each committed revision.</summary>
    public RedisChannel Events { get; } = new(prefix + "events", RedisChannel.PatternMode.Literal);

    public RedisKey Object(string key) => ObjectPrefix + key;
}
