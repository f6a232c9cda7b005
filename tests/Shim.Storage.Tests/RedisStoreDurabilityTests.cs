using System.Text;

namespace Shim.Storage.Tests;

/// <summary>Restarts of a redis-server that keeps an append-only file: the store's whole state must survive.</summary>
public sealed class RedisStoreDurabilityTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("shim-redis-aof-").FullName;

    private static CancellationToken None => CancellationToken.None;

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    [Fact]
    public async Task State_history_and_compaction_survive_a_server_restart_with_appendonly()
    {
        const string prefix = "durable:";
        var server = await RedisServerProcess.StartAsync(_dataDirectory);
        var port = server.Port;
        try
        {
            await using (var before = await RedisStore.ConnectAsync(server.Endpoint, prefix, None))
            {
                var a = await before.CreateAsync("/d/a", Utf8("a1"), None);
                await before.UpdateAsync("/d/a", Utf8("a2"), a.Revision, None);
                var b = await before.CreateAsync("/d/b", [0, 1, 2, 255], None);
                await before.CreateAsync("/d/c", Utf8("c"), None);
                await before.DeleteAsync("/d/b", b.Revision, None);
                await before.CompactAsync(1, None);
            }

            await server.ShutdownAsync();
            Assert.True(server.HasExited);
            await server.DisposeAsync();
            server = await RedisServerProcess.StartAsync(_dataDirectory, port);

            await using var after = await RedisStore.ConnectAsync(server.Endpoint, prefix, None);
            Assert.Equal(5, await after.CurrentRevisionAsync(None));
            Assert.Equal(1, await after.CompactedRevisionAsync(None));
            var snapshot = await after.ListAsync("/d/", None);
            Assert.Equal(5, snapshot.Revision);
            Assert.Equal(
                [("/d/a", "a2", 2L, 1L), ("/d/c", "c", 4L, 4L)],
                snapshot.Entries.Select(e => (e.Key, Encoding.UTF8.GetString(e.Value), e.ModRevision, e.CreateRevision)));

            // The event log survived, including the delete's last value, and revisions continue where they stopped.
            var history = await WatchReader.ReadAsync(after, "/d/", 1, 4);
            Assert.Equal([2L, 3, 4, 5], history.Select(e => e.Revision));
            Assert.Equal(new byte[] { 0, 1, 2, 255 }, history[3].Entry.Value);
            Assert.Equal(StoreEventType.Delete, history[3].Type);
            await Assert.ThrowsAsync<RevisionCompactedException>(() => WatchReader.ReadAsync(after, "/d/", 0, 1));
            Assert.Equal(6, (await after.CreateAsync("/d/b", Utf8("again"), None)).Revision);
            Assert.Equal(WriteStatus.Conflict, (await after.UpdateAsync("/d/a", Utf8("x"), 1, None)).Status);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_connected_store_and_its_watch_carry_on_across_a_server_restart()
    {
        const string prefix = "reconnect:";
        var server = await RedisServerProcess.StartAsync(_dataDirectory);
        var port = server.Port;
        try
        {
            await using var store = await RedisStore.ConnectAsync(server.Endpoint, prefix, None);
            var a = await store.CreateAsync("/r/a", Utf8("1"), None);
            var watching = WatchReader.ReadAsync(store, "/r/", a.Revision, 1, TimeSpan.FromSeconds(30));
            await Task.Delay(200);

            await server.ShutdownAsync();
            await server.DisposeAsync();
            server = await RedisServerProcess.StartAsync(_dataDirectory, port);

            // The multiplexer reconnects by itself; retry the first write until it has.
            WriteResult? updated = null;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (updated is null)
            {
                try
                {
                    updated = await store.UpdateAsync("/r/a", Utf8("2"), a.Revision, None);
                }
                catch (Exception ex) when (ex is StackExchange.Redis.RedisConnectionException or TimeoutException && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100);
                }
            }

            Assert.Equal(WriteStatus.Ok, updated.Status);
            Assert.Equal(2, updated.Revision);
            var e = (await watching).Single();
            Assert.Equal((2L, "2"), (e.Revision, Encoding.UTF8.GetString(e.Entry.Value)));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
