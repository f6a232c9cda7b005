using System.Threading.Channels;

namespace Shim.Client;

/// <summary>
/// A queue of keys to reconcile: a key waiting in the queue is not added twice, and a failed key comes back after a
/// per-key exponential backoff (<see cref="Retry"/>) that <see cref="Forget"/> resets.
/// </summary>
public sealed class WorkQueue
{
    private readonly Channel<string> _ready = Channel.CreateUnbounded<string>();
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _baseDelay;
    private readonly TimeSpan _maxDelay;

    public WorkQueue(TimeProvider time, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null)
    {
        _time = time;
        _baseDelay = baseDelay ?? TimeSpan.FromMilliseconds(5);
        _maxDelay = maxDelay ?? TimeSpan.FromSeconds(30);
    }

    public void Add(string key)
    {
        lock (_lock)
        {
            if (!_queued.Add(key))
            {
                return;
            }
        }

        _ready.Writer.TryWrite(key);
    }

    /// <summary>The next key; it may be added again (for a later pass) while it is being processed.</summary>
    public async ValueTask<string> TakeAsync(CancellationToken cancellationToken)
    {
        var key = await _ready.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            _queued.Remove(key);
        }

        return key;
    }

    /// <summary>Adds the key again after its backoff (doubling per consecutive failure).</summary>
    public void Retry(string key)
    {
        int failures;
        lock (_lock)
        {
            failures = _failures[key] = _failures.GetValueOrDefault(key) + 1;
        }

        var delay = TimeSpan.FromTicks(Math.Min(_maxDelay.Ticks, _baseDelay.Ticks * (1L << Math.Min(failures - 1, 20))));
        AddAfter(key, delay);
    }

    /// <summary>
    /// Longest single wait: .NET timers refuse waits over ~49 days (a yearly CronJob is further away than that), and a key
    /// added early is only synced and requeued for the rest.
    /// </summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(1);

    /// <summary>Adds the key once <paramref name="delay"/> has passed (a deadline to check, a schedule to keep).</summary>
    public void AddAfter(string key, TimeSpan delay) => AddAfter(key, delay, _time, CancellationToken.None);

    /// <summary>Adds the key once <paramref name="delay"/> has passed on <paramref name="clock"/>, unless cancelled first.</summary>
    public void AddAfter(string key, TimeSpan delay, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        var wait = delay < MaxDelay ? delay : MaxDelay;
        _ = Task.Delay(wait, clock, cancellationToken).ContinueWith(t => { if (!t.IsCanceled) Add(key); }, TaskScheduler.Default);
    }

    public void Forget(string key)
    {
        lock (_lock)
        {
            _failures.Remove(key);
        }
    }
}
