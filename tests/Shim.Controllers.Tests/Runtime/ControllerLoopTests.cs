using Microsoft.Extensions.Logging.Abstractions;
using Shim.Client;
using Shim.Controllers.Runtime;

namespace Shim.Controllers.Tests.Runtime;

public sealed class ControllerLoopTests
{
    [Fact]
    public async Task A_failing_key_is_retried_and_the_loop_keeps_serving_other_keys()
    {
        var queue = new WorkQueue(TimeProvider.System, baseDelay: TimeSpan.FromMilliseconds(1));
        var attempts = new Dictionary<string, int>();
        var done = new TaskCompletionSource();
        var loop = new ControllerLoop("test", queue, (key, _) =>
        {
            attempts[key] = attempts.GetValueOrDefault(key) + 1;
            if (key == "flaky" && attempts[key] < 3)
            {
                throw new InvalidOperationException("not yet");
            }

            if (attempts.GetValueOrDefault("flaky") >= 3 && attempts.ContainsKey("steady"))
            {
                done.TrySetResult();
            }

            return Task.CompletedTask;
        }, NullLogger.Instance);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        queue.Add("flaky");
        queue.Add("steady");
        var running = loop.RunAsync([Task.CompletedTask], stop.Token);
        await done.Task.WaitAsync(stop.Token);
        await stop.CancelAsync();
        await running;
        Assert.Equal(3, attempts["flaky"]);
        Assert.Equal(1, attempts["steady"]);
    }

    [Fact]
    public async Task Nothing_is_synced_before_the_informers_listed()
    {
        var queue = new WorkQueue(TimeProvider.System);
        var synced = new TaskCompletionSource();
        var seen = new List<string>();
        var loop = new ControllerLoop("test", queue, (key, _) => { seen.Add(key); return Task.CompletedTask; }, NullLogger.Instance);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        queue.Add("a");
        var running = loop.RunAsync([synced.Task], stop.Token);
        await Task.Delay(100);
        Assert.Empty(seen);
        synced.SetResult();
        while (seen.Count == 0)
        {
            await Task.Delay(10, stop.Token);
        }

        await stop.CancelAsync();
        await running;
        Assert.Equal(["a"], seen);
    }
}
