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
    public async Task Retried_keys_come_back_after_a_growing_backoff_that_forget_resets()
    {
        var queue = new WorkQueue(TimeProvider.System, baseDelay: TimeSpan.FromMilliseconds(100));
        var started = DateTime.UtcNow;
        queue.Retry("a");
        Assert.Equal("a", await queue.TakeAsync(CancellationToken.None));
        var first = DateTime.UtcNow - started;
        queue.Retry("a");
        queue.Retry("a");
        started = DateTime.UtcNow;
        Assert.Equal("a", await queue.TakeAsync(CancellationToken.None));
        Assert.True(first >= TimeSpan.FromMilliseconds(90), $"first retry after {first}");
        // The third consecutive failure waits 400 ms; the second (200 ms) added the key first.
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(150), "second retry too early");
        queue.Forget("a");
        started = DateTime.UtcNow;
        queue.Retry("a");
        await queue.TakeAsync(CancellationToken.None);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromMilliseconds(390), "forget did not reset the backoff");
    }
}
