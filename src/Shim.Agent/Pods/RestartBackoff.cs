namespace Shim.Agent.Pods;

/// <summary>
/// Per-key exponential backoff as the kubelet keeps it for container restarts and image pulls: the first retry is
/// immediate and sets the delay to the base; each later retry doubles it up to the maximum; a key left alone for twice
/// the maximum starts over. Not thread-safe: one pod worker owns it.
/// </summary>
public sealed class RestartBackoff
{
    private readonly Dictionary<string, (TimeSpan Delay, DateTimeOffset LastRetry)> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public RestartBackoff(TimeSpan initial, TimeSpan max, TimeProvider time)
    {
        Initial = initial;
        Max = max;
        _time = time;
    }

    public TimeSpan Initial { get; }

    public TimeSpan Max { get; }

    /// <summary>The current delay of the key, or null when it has none.</summary>
    public TimeSpan? Delay(string key) => Current(key)?.Delay;

    /// <summary>
    /// True while less than the key's delay has passed since <paramref name="since"/> (the failure the retry would
    /// follow); <paramref name="until"/> is when that window ends.
    /// </summary>
    public bool IsInBackOff(string key, DateTimeOffset since, out DateTimeOffset until)
    {
        until = default;
        if (Current(key) is not { } entry)
        {
            return false;
        }

        until = since + entry.Delay;
        return _time.GetUtcNow() < until;
    }

    /// <summary>A retry happens now: the next failure waits longer.</summary>
    public void Next(string key)
    {
        var now = _time.GetUtcNow();
        var delay = Current(key) is { } entry ? TimeSpan.FromTicks(Math.Min(entry.Delay.Ticks * 2, Max.Ticks)) : Initial;
        _entries[key] = (delay, now);
    }

    /// <summary>Forgets the key (e.g. the container ran long enough to count as healthy again).</summary>
    public void Reset(string key) => _entries.Remove(key);

    private (TimeSpan Delay, DateTimeOffset LastRetry)? Current(string key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return null;
        }

        if (_time.GetUtcNow() - entry.LastRetry > 2 * Max)
        {
            _entries.Remove(key);
            return null;
        }

        return entry;
    }
}
