using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Shim.Storage.Tests;

/// <summary>Behaviour specific to <see cref="RedisStore"/>: shared state across instances, the key layout, failure modes.</summary>
public sealed class RedisStoreTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static CancellationToken None => CancellationToken.None;

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private Task<RedisStore> ConnectAsync(string prefix) => RedisStore.ConnectAsync(redis.Server.Endpoint, prefix, None);

    [Fact]
    public async Task A_second_instance_on_the_same_prefix_shares_state_revisions_and_watches()
    {
        var prefix = RedisServerFixture.NewPrefix();
        await using var first = await ConnectAsync(prefix);
        var created = await first.CreateAsync("/shared/a", Utf8("from first"), None);
        await first.CreateAsync("/shared/b", Utf8("b"), None);

        await using var second = await ConnectAsync(prefix);
        Assert.Equal(2, await second.CurrentRevisionAsync(None));
        Assert.Equal("from first", Encoding.UTF8.GetString((await second.GetAsync("/shared/a", None))!.Value));
        Assert.Equal(["/shared/a", "/shared/b"], (await second.ListAsync("/shared/", None)).Entries.Select(e => e.Key));

        // Compare-and-swap is enforced across instances.
        var updated = await second.UpdateAsync("/shared/a", Utf8("from second"), created.Revision, None);
        Assert.Equal(WriteStatus.Ok, updated.Status);
        var stale = await first.UpdateAsync("/shared/a", Utf8("lost"), created.Revision, None);
        Assert.Equal(WriteStatus.Conflict, stale.Status);
        Assert.Equal(updated.Revision, stale.Current!.ModRevision);

        // A watch on one instance sees writes made through the other, live.
        var watching = WatchReader.ReadAsync(second, "/shared/", updated.Revision, 1);
        await Task.Delay(200);
        var third = await first.CreateAsync("/shared/c", Utf8("c"), None);
        var seen = (await watching).Single();
        Assert.Equal((third.Revision, "/shared/c", true), (seen.Revision, seen.Entry.Key, seen.Created));

        // Compaction is shared too.
        await first.CompactAsync(third.Revision, None);
        Assert.Equal(third.Revision, await second.CompactedRevisionAsync(None));
        await Assert.ThrowsAsync<RevisionCompactedException>(() => WatchReader.ReadAsync(second, "/shared/", 1, 1));
    }

    [Fact]
    public async Task Different_prefixes_on_one_server_are_independent()
    {
        await using var one = await ConnectAsync(RedisServerFixture.NewPrefix());
        await using var two = await ConnectAsync(RedisServerFixture.NewPrefix());
        await one.CreateAsync("/k", Utf8("one"), None);
        await one.CreateAsync("/k2", Utf8("one"), None);

        Assert.Equal(0, await two.CurrentRevisionAsync(None));
        Assert.Null(await two.GetAsync("/k", None));
        Assert.Empty((await two.ListAsync("", None)).Entries);
        var created = await two.CreateAsync("/k", Utf8("two"), None);
        Assert.Equal(1, created.Revision);
        Assert.Equal("one", Encoding.UTF8.GetString((await one.GetAsync("/k", None))!.Value));
    }

    [Fact]
    public async Task Data_uses_the_documented_key_layout()
    {
        var prefix = RedisServerFixture.NewPrefix();
        await using var store = await ConnectAsync(prefix);
        var a = await store.CreateAsync("/l/a", Utf8("A"), None);
        await store.UpdateAsync("/l/a", Utf8("A2"), a.Revision, None);
        var b = await store.CreateAsync("/l/b", Utf8("B"), None);
        await store.DeleteAsync("/l/b", b.Revision, None);
        await store.CompactAsync(1, None);

        Assert.Equal(Utf8("4"), await Raw("GET", prefix + "rev"));
        Assert.Equal(Utf8("1"), await Raw("GET", prefix + "compacted"));
        Assert.Equal("hash", await Raw("TYPE", prefix + "o:/l/a"));
        Assert.Equal("none", await Raw("TYPE", prefix + "o:/l/b"));
        Assert.Equal(new object[] { Utf8("A2"), Utf8("2"), Utf8("1") }, await Raw("HMGET", prefix + "o:/l/a", "v", "mod", "create"));
        Assert.Equal(new object[] { Utf8("/l/a") }, await Raw("ZRANGE", prefix + "keys", "0", "-1"));
        Assert.Equal("stream", await Raw("TYPE", prefix + "log"));

        var log = (object?[])(await Raw("XRANGE", prefix + "log", "-", "+"))!;
        Assert.Equal(["2-1", "3-1", "4-1"], log.Select(e => Encoding.UTF8.GetString((byte[])((object?[])e!)[0]!)));
        var deleteFields = Fields((object?[])((object?[])log[2]!)[1]!);
        Assert.Equal("delete", deleteFields["type"]);
        Assert.Equal("/l/b", deleteFields["key"]);
        Assert.Equal("B", deleteFields["value"]);
        Assert.Equal("3", deleteFields["mod"]);
        Assert.Equal("0", deleteFields["created"]);
    }

    [Fact]
    public async Task Cancelling_a_watch_unsubscribes_from_the_notification_channel()
    {
        var prefix = RedisServerFixture.NewPrefix();
        await using var store = await ConnectAsync(prefix);
        using var cts = new CancellationTokenSource();
        var watching = Task.Run(async () =>
        {
            await foreach (var _ in store.WatchAsync("/", 0, cts.Token))
            {
            }
        });

        await WaitForAsync(async () => await SubscriberCountAsync(prefix + "events") == 1, "the watch to subscribe");
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watching.WaitAsync(TimeSpan.FromSeconds(5)));
        await WaitForAsync(async () => await SubscriberCountAsync(prefix + "events") == 0, "the cancelled watch to unsubscribe");
    }

    [Fact]
    public async Task Each_write_publishes_its_revision()
    {
        var prefix = RedisServerFixture.NewPrefix();
        await using var store = await ConnectAsync(prefix);
        using var listener = new TcpClient();
        await listener.ConnectAsync(IPAddress.Loopback, redis.Server.Port);
        var stream = listener.GetStream();
        var channel = prefix + "events";
        await stream.WriteAsync(Utf8($"*2\r\n$9\r\nSUBSCRIBE\r\n${Encoding.UTF8.GetByteCount(channel)}\r\n{channel}\r\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var timeout = new CancellationTokenSource(WatchReader.DefaultTimeout);
        // Subscription confirmation: *3, $9, subscribe, $len, channel, :1
        for (var i = 0; i < 6; i++)
        {
            await reader.ReadLineAsync(timeout.Token);
        }

        var created = await store.CreateAsync("/pub/a", Utf8("x"), None);
        await store.CreateAsync("/pub/a", Utf8("dup"), None); // fails: no message
        await store.DeleteAsync("/pub/a", created.Revision, None);

        var payloads = new List<string>();
        for (var message = 0; message < 2; message++)
        {
            // *3, $7, message, $len, channel, $len, payload
            var lines = new List<string>();
            for (var i = 0; i < 7; i++)
            {
                lines.Add((await reader.ReadLineAsync(timeout.Token))!);
            }

            Assert.Equal("message", lines[2]);
            Assert.Equal(channel, lines[4]);
            payloads.Add(lines[6]);
        }

        Assert.Equal(["1", "2"], payloads);
    }

    [Fact]
    public async Task A_watch_falls_back_to_polling_when_a_notification_is_missing()
    {
        var prefix = RedisServerFixture.NewPrefix();
        await using var store = await ConnectAsync(prefix);
        await store.CreateAsync("/poll/a", Utf8("1"), None);
        var watching = WatchReader.ReadAsync(store, "/poll/", 1, 1, TimeSpan.FromSeconds(5));
        await Task.Delay(200);

        // Another writer appends revision 2 to the log without publishing (as if the message were lost).
        Assert.Equal(2L, await Raw("INCR", prefix + "rev"));
        await Raw("HSET", prefix + "o:/poll/b", "v", "2", "mod", "2", "create", "2");
        await Raw("ZADD", prefix + "keys", "0", "/poll/b");
        await Raw("XADD", prefix + "log", "2-1", "type", "put", "key", "/poll/b", "value", "2", "mod", "2", "create", "2", "created", "1");

        var stopwatch = Stopwatch.StartNew();
        var e = (await watching).Single();
        Assert.Equal((2L, "/poll/b", true), (e.Revision, e.Entry.Key, e.Created));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task A_watch_that_falls_behind_a_compaction_fails_when_it_reaches_the_trimmed_history()
    {
        var prefix = RedisServerFixture.NewPrefix();
        await using var store = await ConnectAsync(prefix);
        for (var start = 0; start < 1500; start += 250)
        {
            await Task.WhenAll(Enumerable.Range(start, 250).Select(i => store.CreateAsync($"/behind/{i:D4}", Utf8("x"), None)));
        }

        using var cts = new CancellationTokenSource(WatchReader.DefaultTimeout);
        await using var watch = store.WatchAsync("/behind/", 0, cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(1, watch.Current.Revision);

        // The watch has read one batch (1000 entries) of history; revisions 1001..1200 are trimmed before it gets there.
        await store.CompactAsync(1200, None);
        var delivered = 1L;
        var failure = await Assert.ThrowsAsync<RevisionCompactedException>(async () =>
        {
            while (await watch.MoveNextAsync())
            {
                Assert.Equal(++delivered, watch.Current.Revision);
            }
        });
        Assert.Equal(1000, delivered);
        Assert.Equal(1000, failure.Requested);
        Assert.Equal(1200, failure.Compacted);
    }

    [Fact]
    public async Task Listing_a_large_prefix_returns_every_entry()
    {
        const int count = 20_000;
        var prefix = RedisServerFixture.NewPrefix();
        await using var store = await ConnectAsync(prefix);
        var value = new byte[200];
        for (var start = 0; start < count; start += 2000)
        {
            await Task.WhenAll(Enumerable.Range(start, 2000).Select(i => store.CreateAsync($"/big/ns/obj-{i:D6}", value, None)));
        }

        await store.CreateAsync("/big/nsx", value, None);
        var snapshot = await store.ListAsync("/big/ns/", None);

        Assert.Equal(count + 1, snapshot.Revision);
        Assert.Equal(count, snapshot.Entries.Count);
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"/big/ns/obj-{i:D6}"), snapshot.Entries.Select(e => e.Key));
        Assert.All(snapshot.Entries, e => Assert.Equal(200, e.Value.Length));
    }

    [Fact]
    public async Task Connecting_to_an_unreachable_endpoint_fails_with_a_message_naming_it()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var endpoint = $"127.0.0.1:{port}";

        var stopwatch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<RedisStoreConnectionException>(() => RedisStore.ConnectAsync(endpoint, "p:", None));

        Assert.Contains(endpoint, ex.Message, StringComparison.Ordinal);
        Assert.Equal(endpoint, ex.Endpoint);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Description_names_the_endpoint_and_prefix()
    {
        await using var store = await ConnectAsync("desc:");
        Assert.Contains(redis.Server.Endpoint, store.Description, StringComparison.Ordinal);
        Assert.Contains("desc:", store.Description, StringComparison.Ordinal);
    }

    private Task<object?> Raw(params string[] args)
    {
        using var timeout = new CancellationTokenSource(WatchReader.DefaultTimeout);
        return redis.Server.CommandAsync(timeout.Token, args);
    }

    private async Task<long> SubscriberCountAsync(string channel)
    {
        var reply = (object?[])(await Raw("PUBSUB", "NUMSUB", channel))!;
        return (long)reply[1]!;
    }

    private static Dictionary<string, string> Fields(object?[] flat)
    {
        var fields = new Dictionary<string, string>();
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            fields[Encoding.UTF8.GetString((byte[])flat[i]!)] = Encoding.UTF8.GetString((byte[])flat[i + 1]!);
        }

        return fields;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }

            await Task.Delay(20);
        }
    }
}
