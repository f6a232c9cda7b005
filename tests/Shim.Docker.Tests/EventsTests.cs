namespace Shim.Docker.Tests;

public sealed class EventsTests : DockerTestBase
{
    [Fact]
    public async Task Events_since_a_moment_replay_a_start_and_then_follow_live_events()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var id = await RunAsync("sleep", "300");
        var filters = new Dictionary<string, string[]> { ["type"] = ["container"], ["label"] = [$"shim.test={TestId}"] };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var seen = new List<string>();
        await foreach (var e in Docker.EventsAsync(filters, before, timeout.Token))
        {
            Assert.Equal(id, e["Actor"]!["ID"]!.ToString());
            var action = e["Action"]!.ToString();
            seen.Add(action);
            if (action == "start")
            {
                // Replayed; what follows must arrive live, over the same open stream.
                await Docker.KillContainerAsync(id, "SIGKILL", Timeout());
            }

            if (action == "die")
            {
                break;
            }
        }

        Assert.Equal(["create", "start", "kill", "die"], seen);
    }

    [Fact]
    public async Task Live_events_without_since_see_a_container_start()
    {
        var id = await CreateAsync(Config("sleep", "300"));
        var filters = new Dictionary<string, string[]> { ["type"] = ["container"], ["event"] = ["start"], ["label"] = [$"shim.test={TestId}"] };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var events = Docker.EventsAsync(filters, timeout.Token).GetAsyncEnumerator(timeout.Token);
        var next = events.MoveNextAsync().AsTask();

        // The subscription is in place once dockerd answered; starting until an event arrives covers the gap before that.
        while (!next.IsCompleted)
        {
            await Docker.StartContainerAsync(id, Timeout());
            await Task.WhenAny(next, Task.Delay(500));
            if (!next.IsCompleted)
            {
                await Docker.KillContainerAsync(id, "SIGKILL", Timeout());
                await Docker.WaitContainerAsync(id, Timeout());
            }
        }

        Assert.True(await next);
        Assert.Equal("start", events.Current["Action"]!.ToString());
        Assert.Equal(id, events.Current["id"]!.ToString());
    }
}
