using Shim.Model;
using Shim.Model.Core.V1;
using Shim.Scheduler.Snapshot;

namespace Shim.Scheduler.Queue;

/// <summary>
/// Pending pods waiting for a scheduling attempt, upstream's three-queue design kept small:
/// <list type="bullet">
/// <item>active: ready now, ordered by spec.priority then creation time; <see cref="PopAsync"/> takes from here;</item>
/// <item>backoff: failed recently, waiting out a per-pod exponential backoff (1 s doubling to 10 s);</item>
/// <item>unschedulable: did not fit; moved back by <see cref="OnClusterEvent"/> or after 60 s at most.</item>
/// </list>
/// Pods with spec.schedulingGates wait aside until an update removes the gates. Thread-safe; time comes from the
/// injected <see cref="TimeProvider"/>. Feed it every pending pod event (Add/Update/Delete; a pod that gets a
/// nodeName or terminates leaves the queue) and report each popped pod's outcome with
/// <see cref="Done"/>, <see cref="AddUnschedulable"/> or <see cref="AddForRetry"/>.
/// </summary>
public sealed class SchedulingQueue
{
    public static readonly TimeSpan DefaultInitialBackoff = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DefaultMaxBackoff = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultMaxUnschedulableDuration = TimeSpan.FromSeconds(60);

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _initialBackoff;
    private readonly TimeSpan _maxBackoff;
    private readonly TimeSpan _maxUnschedulableDuration;
    private readonly SortedSet<QueuedPod> _active = new(ActiveQueueOrder.Instance);
    private readonly Dictionary<string, QueuedPod> _activeByKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, QueuedPod> _backoff = new(StringComparer.Ordinal);
    private readonly Dictionary<string, QueuedPod> _unschedulable = new(StringComparer.Ordinal);
    private readonly Dictionary<string, QueuedPod> _gated = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InFlightPod> _inFlight = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = NewSignal();
    private long _sequence;
    private long _clusterEvents;

    public SchedulingQueue(TimeProvider? timeProvider = null, TimeSpan? initialBackoff = null, TimeSpan? maxBackoff = null, TimeSpan? maxUnschedulableDuration = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        _initialBackoff = initialBackoff ?? DefaultInitialBackoff;
        _maxBackoff = maxBackoff ?? DefaultMaxBackoff;
        _maxUnschedulableDuration = maxUnschedulableDuration ?? DefaultMaxUnschedulableDuration;
    }

    public int ActiveCount { get { lock (_gate) { Flush(); return _active.Count; } } }

    public int BackoffCount { get { lock (_gate) { Flush(); return _backoff.Count; } } }

    public int UnschedulableCount { get { lock (_gate) { Flush(); return _unschedulable.Count; } } }

    public int GatedCount { get { lock (_gate) { return _gated.Count; } } }

    /// <summary>A new pending pod. Pods already bound (spec.nodeName) or terminated are ignored.</summary>
    public void Add(Pod pod) => Update(pod);

    /// <summary>
    /// A pending pod changed (or appeared). A change of spec or metadata lets a pod parked as unschedulable try
    /// again (after its backoff); status-only changes, such as the scheduler's own condition updates, do not.
    /// </summary>
    public void Update(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (!IsPending(pod))
        {
            Delete(pod);
            return;
        }
        var key = PodInfo.KeyOf(pod);
        lock (_gate)
        {
            if (_inFlight.TryGetValue(key, out var inFlight))
            {
                inFlight.Updated |= SchedulingRelevantChange(inFlight.Entry.Pod, pod);
                inFlight.Entry.Pod = pod;
                return;
            }
            var parked = _unschedulable.ContainsKey(key);
            var entry = Detach(key);
            var stayParked = parked && entry is not null && !SchedulingRelevantChange(entry.Pod, pod);
            entry ??= new QueuedPod(key, pod, _time.GetUtcNow(), ++_sequence);
            entry.Pod = pod;
            if (stayParked)
                _unschedulable[key] = entry;
            else
                Enqueue(entry);
            Signal();
        }
    }

    /// <summary>The pod was deleted, bound, or otherwise no longer needs scheduling.</summary>
    public void Delete(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var key = PodInfo.KeyOf(pod);
        lock (_gate)
        {
            if (_inFlight.TryGetValue(key, out var inFlight))
                inFlight.Deleted = true;
            Detach(key);
        }
    }

    /// <summary>Waits for the highest-priority pod that is ready for an attempt and hands it out.</summary>
    public async Task<Pod> PopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            TimeSpan? wait;
            lock (_gate)
            {
                Flush();
                if (_active.Min is { } next)
                {
                    _active.Remove(next);
                    _activeByKey.Remove(next.Key);
                    _inFlight[next.Key] = new InFlightPod(next, _clusterEvents);
                    return next.Pod;
                }
                changed = _changed.Task;
                wait = UntilNextDue();
            }
            await WaitAsync(changed, wait, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The popped pod fit no node. It waits in the unschedulable set until a cluster event or 60 s, and never
    /// retries before its backoff; if the cluster changed while it was being scheduled it only waits out the backoff.
    /// </summary>
    public void AddUnschedulable(Pod pod) => Requeue(pod, unschedulable: true);

    /// <summary>The popped pod's attempt failed for another reason (e.g. binding): retry after its backoff.</summary>
    public void AddForRetry(Pod pod) => Requeue(pod, unschedulable: false);

    /// <summary>The popped pod was scheduled (bound); the queue forgets it.</summary>
    public void Done(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        lock (_gate)
        {
            _inFlight.Remove(PodInfo.KeyOf(pod));
        }
    }

    /// <summary>Something changed in the cluster: every unschedulable pod gets another attempt (after its backoff).</summary>
    public void OnClusterEvent(ClusterEventKind kind)
    {
        lock (_gate)
        {
            _clusterEvents++;
            foreach (var entry in _unschedulable.Values.ToList())
            {
                _unschedulable.Remove(entry.Key);
                Enqueue(entry);
            }
            Signal();
        }
    }

    private void Requeue(Pod pod, bool unschedulable)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var key = PodInfo.KeyOf(pod);
        var unknown = false;
        lock (_gate)
        {
            if (!_inFlight.Remove(key, out var inFlight))
            {
                unknown = !_activeByKey.ContainsKey(key) && !_backoff.ContainsKey(key) && !_unschedulable.ContainsKey(key) && !_gated.ContainsKey(key);
            }
            else
            {
                RequeueInFlight(pod, key, inFlight, unschedulable);
            }
        }
        // Not popped from here (or reported twice): an unknown pod is treated as an ordinary pending pod.
        if (unknown)
            Update(pod);
    }

    /// <summary>Called under the lock with the attempt's outcome for a pod PopAsync handed out.</summary>
    private void RequeueInFlight(Pod pod, string key, InFlightPod inFlight, bool unschedulable)
    {
        if (inFlight.Deleted)
            return;
        var entry = inFlight.Entry;
        // An update that arrived during the attempt is newer than what the caller hands back.
        if (!inFlight.Updated)
            entry.Pod = pod;
        var now = _time.GetUtcNow();
        entry.Attempts++;
        entry.BackoffExpiry = now + BackoffFor(entry.Attempts);
        var clusterChangedMeanwhile = inFlight.Updated || _clusterEvents != inFlight.ClusterEventsAtPop;
        if (unschedulable && !clusterChangedMeanwhile)
        {
            entry.UnschedulableSince = now;
            _unschedulable[key] = entry;
        }
        else
        {
            Enqueue(entry);
        }
        Signal();
    }

    private TimeSpan BackoffFor(int attempts)
    {
        var backoff = _initialBackoff;
        for (var i = 1; i < attempts && backoff < _maxBackoff; i++)
            backoff += backoff;
        return backoff > _maxBackoff ? _maxBackoff : backoff;
    }

    /// <summary>Puts a pod where it belongs now: gated, backing off, or active.</summary>
    private void Enqueue(QueuedPod entry)
    {
        entry.UnschedulableSince = default;
        if (entry.Pod.Spec?.SchedulingGates is { Count: > 0 })
            _gated[entry.Key] = entry;
        else if (entry.BackoffExpiry > _time.GetUtcNow())
            _backoff[entry.Key] = entry;
        else
            AddActive(entry);
    }

    private void AddActive(QueuedPod entry)
    {
        entry.Sequence = ++_sequence;
        _active.Add(entry);
        _activeByKey[entry.Key] = entry;
    }

    /// <summary>Moves pods whose backoff ended to active, and pods parked too long as unschedulable back in line.</summary>
    private void Flush()
    {
        var now = _time.GetUtcNow();
        foreach (var entry in _backoff.Values.Where(e => e.BackoffExpiry <= now).ToList())
        {
            _backoff.Remove(entry.Key);
            AddActive(entry);
        }
        foreach (var entry in _unschedulable.Values.Where(e => e.UnschedulableSince + _maxUnschedulableDuration <= now).ToList())
        {
            _unschedulable.Remove(entry.Key);
            Enqueue(entry);
        }
    }

    private TimeSpan? UntilNextDue()
    {
        var due = _backoff.Values.Select(e => e.BackoffExpiry)
            .Concat(_unschedulable.Values.Select(e => e.UnschedulableSince + _maxUnschedulableDuration))
            .DefaultIfEmpty(DateTimeOffset.MaxValue)
            .Min();
        if (due == DateTimeOffset.MaxValue)
            return null;
        var wait = due - _time.GetUtcNow();
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }

    private async Task WaitAsync(Task changed, TimeSpan? wait, CancellationToken cancellationToken)
    {
        if (wait is null)
        {
            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        using var stopTimer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = Task.Delay(wait.Value, _time, stopTimer.Token);
        await Task.WhenAny(changed, timer).ConfigureAwait(false);
        await stopTimer.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private QueuedPod? Detach(string key)
    {
        if (_activeByKey.Remove(key, out var active))
        {
            _active.Remove(active);
            return active;
        }
        if (_backoff.Remove(key, out var backingOff))
            return backingOff;
        if (_unschedulable.Remove(key, out var parked))
            return parked;
        return _gated.Remove(key, out var gated) ? gated : null;
    }

    private void Signal()
    {
        var previous = _changed;
        _changed = NewSignal();
        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static bool IsPending(Pod pod) => string.IsNullOrEmpty(pod.Spec?.NodeName) && !PodInfo.IsTerminal(pod);

    /// <summary>Spec, labels or annotations changed: what could change the outcome (status and versions cannot).</summary>
    private static bool SchedulingRelevantChange(Pod before, Pod after) =>
        ModelJson.Serialize(before.Spec) != ModelJson.Serialize(after.Spec)
        || ModelJson.Serialize(before.Metadata?.Labels) != ModelJson.Serialize(after.Metadata?.Labels)
        || ModelJson.Serialize(before.Metadata?.Annotations) != ModelJson.Serialize(after.Metadata?.Annotations);
}
