namespace Shim.Storage.Redis;

/// <summary>
/// The Lua scripts behind <see cref="RedisStore"/>. Each write is one script so the check, the revision bump,
/// the object write, the log append and the notification happen atomically.
/// Numbers returned to the client are converted with tonumber so they arrive as integer replies.
/// </summary>
internal static class RedisScripts
{
    // Reply codes shared by the write scripts.
    public const long Ok = 0;
    public const long AlreadyExists = 1;
    public const long NotFound = 2;
    public const long Conflict = 3;
    public const long Compacted = -1;

    /// <summary>
    /// KEYS: object, rev, keys, log. ARGV: key, value, channel.
    /// Reply: {Ok, rev} or {AlreadyExists, value, mod, create}.
    /// </summary>
    public const string Create = """
        local cur = redis.call('HMGET', KEYS[1], 'v', 'mod', 'create')
        if cur[2] then
          return {1, cur[1], tonumber(cur[2]), tonumber(cur[3])}
        end
        local rev = redis.call('INCR', KEYS[2])
        redis.call('HSET', KEYS[1], 'v', ARGV[2], 'mod', rev, 'create', rev)
        redis.call('ZADD', KEYS[3], 0, ARGV[1])
        redis.call('XADD', KEYS[4], rev .. '-1', 'type', 'put', 'key', ARGV[1], 'value', ARGV[2], 'mod', rev, 'create', rev, 'created', '1')
        redis.call('PUBLISH', ARGV[3], rev)
        return {0, rev}
        """;

    /// <summary>
    /// KEYS: object, rev, keys, log. ARGV: key, value, expected mod revision, channel.
    /// Reply: {Ok, rev, create} or {NotFound} or {Conflict, value, mod, create}.
    /// </summary>
    public const string Update = """
        local cur = redis.call('HMGET', KEYS[1], 'v', 'mod', 'create')
        if not cur[2] then
          return {2}
        end
        if tonumber(cur[2]) ~= tonumber(ARGV[3]) then
          return {3, cur[1], tonumber(cur[2]), tonumber(cur[3])}
        end
        local rev = redis.call('INCR', KEYS[2])
        redis.call('HSET', KEYS[1], 'v', ARGV[2], 'mod', rev)
        redis.call('XADD', KEYS[4], rev .. '-1', 'type', 'put', 'key', ARGV[1], 'value', ARGV[2], 'mod', rev, 'create', cur[3], 'created', '0')
        redis.call('PUBLISH', ARGV[4], rev)
        return {0, rev, tonumber(cur[3])}
        """;

    /// <summary>
    /// KEYS: object, rev, keys, log. ARGV: key, expected mod revision, channel.
    /// Reply: {Ok, rev, value, mod, create} (the deleted entry) or {NotFound} or {Conflict, value, mod, create}.
    /// The log entry keeps the last value and its old mod revision, as watchers expect of a delete.
    /// </summary>
    public const string Delete = """
        local cur = redis.call('HMGET', KEYS[1], 'v', 'mod', 'create')
        if not cur[2] then
          return {2}
        end
        if tonumber(cur[2]) ~= tonumber(ARGV[2]) then
          return {3, cur[1], tonumber(cur[2]), tonumber(cur[3])}
        end
        local rev = redis.call('INCR', KEYS[2])
        redis.call('DEL', KEYS[1])
        redis.call('ZREM', KEYS[3], ARGV[1])
        redis.call('XADD', KEYS[4], rev .. '-1', 'type', 'delete', 'key', ARGV[1], 'value', cur[1], 'mod', cur[2], 'create', cur[3], 'created', '0')
        redis.call('PUBLISH', ARGV[3], rev)
        return {0, rev, cur[1], tonumber(cur[2]), tonumber(cur[3])}
        """;

    /// <summary>
    /// KEYS: keys, rev. ARGV: object key prefix, listing prefix.
    /// Reply: {rev, key1, value1, mod1, create1, key2, ...}, all read inside one script so it matches rev exactly.
    /// The upper bound appends byte 0xFF, which never occurs in UTF-8, so it covers every key under the prefix.
    /// </summary>
    public const string List = """
        local rev = tonumber(redis.call('GET', KEYS[2]) or '0')
        local members
        if ARGV[2] == '' then
          members = redis.call('ZRANGEBYLEX', KEYS[1], '-', '+')
        else
          members = redis.call('ZRANGEBYLEX', KEYS[1], '[' .. ARGV[2], '(' .. ARGV[2] .. '\255')
        end
        local out = {rev}
        local n = 1
        for i = 1, #members do
          local h = redis.call('HMGET', ARGV[1] .. members[i], 'v', 'mod', 'create')
          out[n + 1] = members[i]
          out[n + 2] = h[1]
          out[n + 3] = tonumber(h[2])
          out[n + 4] = tonumber(h[3])
          n = n + 4
        end
        return out
        """;

    /// <summary>
    /// KEYS: log, compacted. ARGV: cursor (last revision seen), first ID to read, batch size, key prefix.
    /// Reply: {Compacted, compactedRevision} when the cursor is older than the retained history, else
    /// {Ok, last scanned revision, scanned count, then per matching event: rev, type, key, value, mod, create, created}.
    /// The compaction check and the read are one script, so a concurrent trim cannot open a silent gap.
    /// Filtering happens here so narrow watches do not pull the whole log over the wire.
    /// </summary>
    public const string ReadLog = """
        local cursor = tonumber(ARGV[1])
        local compacted = tonumber(redis.call('GET', KEYS[2]) or '0')
        if cursor < compacted then
          return {-1, compacted}
        end
        local entries = redis.call('XRANGE', KEYS[1], ARGV[2], '+', 'COUNT', tonumber(ARGV[3]))
        local prefix = ARGV[4]
        local plen = #prefix
        local out = {0, cursor, #entries}
        local n = 3
        for i = 1, #entries do
          local rev = tonumber(string.match(entries[i][1], '^(%d+)'))
          out[2] = rev
          local f = entries[i][2]
          local t = {}
          for j = 1, #f, 2 do
            t[f[j]] = f[j + 1]
          end
          if string.sub(t.key, 1, plen) == prefix then
            out[n + 1] = rev
            out[n + 2] = t.type
            out[n + 3] = t.key
            out[n + 4] = t.value
            out[n + 5] = tonumber(t.mod)
            out[n + 6] = tonumber(t.create)
            out[n + 7] = t.created
            n = n + 7
          end
        end
        return out
        """;

    /// <summary>
    /// KEYS: rev, compacted, log. ARGV: requested revision.
    /// Clamps to the current revision, never moves backwards, and trims every log entry with revision at or below
    /// the target (XTRIM MINID keeps IDs at or above target+1). Reply: the compacted revision after the call.
    /// </summary>
    public const string Compact = """
        local current = tonumber(redis.call('GET', KEYS[1]) or '0')
        local compacted = tonumber(redis.call('GET', KEYS[2]) or '0')
        local target = tonumber(ARGV[1])
        if target > current then
          target = current
        end
        if target <= compacted then
          return compacted
        end
        redis.call('XTRIM', KEYS[3], 'MINID', (target + 1) .. '-0')
        redis.call('SET', KEYS[2], target)
        return target
        """;
}
