using Shim.Client;

namespace Shim.Client.Tests;

public sealed class WorkQueueTests
{
    [Fact]
    public async Task A_key_waiting_in_the_queue_is_not_added_twice()
    {
        var queue = new WorkQueue(TimeProvider.System);
        queue.Add("a");
        queue.Add("b");
        queue.Add("a");
        Assert.Equal("a", await queue.TakeAsync(CancellationToken.None));
        Assert.Equal("b", await queue.TakeAsync(CancellationToken.None));
        using var none = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await queue.TakeAsync(none.Token));
    }

    [Fact]
    public async Task A_key_taken_for_processing_can_be_queued_again()
    {
        var queue = new WorkQueue(TimeProvider.System);
        queue.Add("a");
        Assert.Equal("a", await queue.TakeAsync(CancellationToken.None));
        queue.Add("a");
        Assert.Equal("a", await queue.TakeAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Retried_keys_come_back_after_a_doubling_backoff_that_forget_resets()
    {
        var time = new RecordingTimeProvider();
        var queue = new WorkQueue(time, baseDelay: TimeSpan.FromMilliseconds(100), maxDelay: TimeSpan.FromMilliseconds(300));
        for (var i = 0; i < 3; i++)
        {
            queue.Retry("a");
            Assert.Equal("a", await queue.TakeAsync(CancellationToken.None));
        }

        queue.Forget("a");
        queue.Retry("a");
        Assert.Equal("a", await queue.TakeAsync(CancellationToken.None));

        // 100, 200, then capped at 300; after Forget the first delay again.
        Assert.Equal(new[] { 100.0, 200.0, 300.0, 100.0 }, time.Delays.Select(d => d.TotalMilliseconds));
    }

    [Fact]
    public async Task A_delay_longer_than_a_timer_can_wait_is_cut_to_the_maximum()
    {
        var time = new RecordingTimeProvider();
        var queue = new WorkQueue(time);

        // A yearly schedule: .NET timers refuse waits over ~49 days.
        queue.AddAfter("yearly", TimeSpan.FromDays(365), time, CancellationToken.None);
        Assert.Equal("yearly", await queue.TakeAsync(CancellationToken.None));
        Assert.Equal([WorkQueue.MaxDelay], time.Delays);
    }

    /// <summary>Records each timer's due time and fires it at once, so backoff is checked without waiting.</summary>
    private sealed class RecordingTimeProvider : TimeProvider
    {
        private readonly List<TimeSpan> _delays = [];

        public IReadOnlyList<TimeSpan> Delays
        {
            get
            {
                lock (_delays)
                {
                    return [.. _delays];
                }
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            lock (_delays)
            {
                _delays.Add(dueTime);
            }

            return System.CreateTimer(callback, state, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }
}
