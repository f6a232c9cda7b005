namespace Shim.Storage.Redis;

/// <summary>
/// Wakes one watch loop when a notification arrives. The loop arms the signal before reading the log,
/// so a notification that lands during the read completes the armed task and is never lost.
/// </summary>
internal sealed class WatchSignal
{
    private TaskCompletionSource _current = New();

    public Task Arm() => Volatile.Read(ref _current).Task;

    public void Fire() => Interlocked.Exchange(ref _current, New()).TrySetResult();

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
