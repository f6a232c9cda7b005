using System.Collections.Concurrent;
using System.Text;

namespace Shim.Storage.Tests;

/// <summary>
/// The behaviour every <see cref="IStore"/> must show. Each derived class supplies a fresh, empty store per test.
/// </summary>
public abstract class StoreContractTests : IAsyncLifetime
{
    private IStore? _store;

    protected IStore Store => _store ?? throw new InvalidOperationException("store not created");

    protected static CancellationToken None => CancellationToken.None;

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    /// <summary>A new store with no keys and revision 0.</summary>
    protected abstract Task<IStore> CreateStoreAsync();

    protected static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task Fresh_store_is_at_revision_zero_and_empty()
    {
        Assert.Equal(0, await Store.CurrentRevisionAsync(None));
        Assert.Equal(0, await Store.CompactedRevisionAsync(None));
        var snapshot = await Store.ListAsync("", None);
        Assert.Equal(0, snapshot.Revision);
        Assert.Empty(snapshot.Entries);
        Assert.Null(await Store.GetAsync("/nothing", None));
    }

    [Fact]
    public async Task Create_then_get_returns_the_entry()
    {
        var created = await Store.CreateAsync("/pods/default/a", Utf8("v1"), None);

        Assert.Equal(WriteStatus.Ok, created.Status);
        Assert.True(created.Succeeded);
        Assert.Equal(1, created.Revision);
        Assert.Equal(new StoreEntry("/pods/default/a", created.Current!.Value, 1, 1), created.Current);
        Assert.Equal("v1", Encoding.UTF8.GetString(created.Current.Value));

        var got = await Store.GetAsync("/pods/default/a", None);
        Assert.NotNull(got);
        Assert.Equal("/pods/default/a", got.Key);
        Assert.Equal("v1", Encoding.UTF8.GetString(got.Value));
        Assert.Equal(1, got.ModRevision);
        Assert.Equal(1, got.CreateRevision);
        Assert.Equal(1, await Store.CurrentRevisionAsync(None));
    }

    [Fact]
    public async Task Create_of_a_live_key_fails_with_the_existing_entry_and_takes_no_revision()
    {
        await Store.CreateAsync("/k", Utf8("first"), None);

        var again = await Store.CreateAsync("/k", Utf8("second"), None);

        Assert.Equal(WriteStatus.AlreadyExists, again.Status);
        Assert.False(again.Succeeded);
        Assert.NotNull(again.Current);
        Assert.Equal("first", Encoding.UTF8.GetString(again.Current.Value));
        Assert.Equal(1, again.Current.ModRevision);
        Assert.Equal(1, await Store.CurrentRevisionAsync(None));
        Assert.Equal("first", Encoding.UTF8.GetString((await Store.GetAsync("/k", None))!.Value));
    }

    [Fact]
    public async Task Update_with_the_current_revision_replaces_the_value_and_keeps_the_create_revision()
    {
        var created = await Store.CreateAsync("/k", Utf8("v1"), None);
        await Store.CreateAsync("/other", Utf8("x"), None);

        var updated = await Store.UpdateAsync("/k", Utf8("v2"), created.Revision, None);

        Assert.Equal(WriteStatus.Ok, updated.Status);
        Assert.Equal(3, updated.Revision);
        Assert.Equal(3, updated.Current!.ModRevision);
        Assert.Equal(created.Revision, updated.Current.CreateRevision);
        var got = await Store.GetAsync("/k", None);
        Assert.Equal("v2", Encoding.UTF8.GetString(got!.Value));
        Assert.Equal(3, got.ModRevision);
        Assert.Equal(1, got.CreateRevision);
    }

    [Fact]
    public async Task Update_with_a_stale_revision_conflicts_and_returns_the_current_entry()
    {
        var created = await Store.CreateAsync("/k", Utf8("v1"), None);
        var updated = await Store.UpdateAsync("/k", Utf8("v2"), created.Revision, None);

        var stale = await Store.UpdateAsync("/k", Utf8("v3"), created.Revision, None);

        Assert.Equal(WriteStatus.Conflict, stale.Status);
        Assert.Equal(0, stale.Revision);
        Assert.NotNull(stale.Current);
        Assert.Equal(updated.Revision, stale.Current.ModRevision);
        Assert.Equal(created.Revision, stale.Current.CreateRevision);
        Assert.Equal("v2", Encoding.UTF8.GetString(stale.Current.Value));
        Assert.Equal("v2", Encoding.UTF8.GetString((await Store.GetAsync("/k", None))!.Value));
        Assert.Equal(updated.Revision, await Store.CurrentRevisionAsync(None));
    }

    [Fact]
    public async Task Update_and_delete_of_a_missing_key_report_not_found()
    {
        var update = await Store.UpdateAsync("/missing", Utf8("x"), 1, None);
        var delete = await Store.DeleteAsync("/missing", 1, None);

        Assert.Equal(WriteStatus.NotFound, update.Status);
        Assert.Null(update.Current);
        Assert.Equal(WriteStatus.NotFound, delete.Status);
        Assert.Null(delete.Current);
        Assert.Equal(0, await Store.CurrentRevisionAsync(None));
    }

    [Fact]
    public async Task Delete_is_compare_and_swap_and_returns_the_deleted_entry()
    {
        var created = await Store.CreateAsync("/k", Utf8("v1"), None);
        var updated = await Store.UpdateAsync("/k", Utf8("v2"), created.Revision, None);

        var stale = await Store.DeleteAsync("/k", created.Revision, None);
        Assert.Equal(WriteStatus.Conflict, stale.Status);
        Assert.Equal(updated.Revision, stale.Current!.ModRevision);
        Assert.NotNull(await Store.GetAsync("/k", None));

        var deleted = await Store.DeleteAsync("/k", updated.Revision, None);
        Assert.Equal(WriteStatus.Ok, deleted.Status);
        Assert.Equal(3, deleted.Revision);
        Assert.Equal("v2", Encoding.UTF8.GetString(deleted.Current!.Value));
        Assert.Equal(updated.Revision, deleted.Current.ModRevision);
        Assert.Null(await Store.GetAsync("/k", None));
        Assert.Empty((await Store.ListAsync("/", None)).Entries);

        var again = await Store.DeleteAsync("/k", updated.Revision, None);
        Assert.Equal(WriteStatus.NotFound, again.Status);

        // A recreated key starts a new life: its create revision is the new write's.
        var recreated = await Store.CreateAsync("/k", Utf8("v3"), None);
        Assert.Equal(WriteStatus.Ok, recreated.Status);
        Assert.Equal(4, recreated.Current!.CreateRevision);
    }

    [Fact]
    public async Task Revisions_are_global_and_increase_by_one_per_successful_write()
    {
        var revisions = new List<long>
        {
            (await Store.CreateAsync("/a", Utf8("1"), None)).Revision,
            (await Store.CreateAsync("/b", Utf8("1"), None)).Revision,
        };
        await Store.CreateAsync("/a", Utf8("dup"), None); // fails: takes no revision
        revisions.Add((await Store.UpdateAsync("/a", Utf8("2"), revisions[0], None)).Revision);
        await Store.UpdateAsync("/b", Utf8("2"), 999, None); // conflict: takes no revision
        revisions.Add((await Store.DeleteAsync("/b", revisions[1], None)).Revision);
        revisions.Add((await Store.CreateAsync("/c/d", Utf8("1"), None)).Revision);

        Assert.Equal([1L, 2, 3, 4, 5], revisions);
        Assert.Equal(5, await Store.CurrentRevisionAsync(None));
        Assert.Equal(5, (await Store.ListAsync("/zzz", None)).Revision);
    }

    [Fact]
    public async Task List_returns_exactly_the_keys_under_the_prefix_in_key_order()
    {
        foreach (var key in new[] { "/a/bc/1", "/a/b/2", "/a/b/1", "/a/c", "/a/b", "/b/x", "/a/b/1/deep" })
        {
            Assert.True((await Store.CreateAsync(key, Utf8("value of " + key), None)).Succeeded);
        }

        var underB = await Store.ListAsync("/a/b/", None);
        Assert.Equal(7, underB.Revision);
        Assert.Equal(["/a/b/1", "/a/b/1/deep", "/a/b/2"], underB.Entries.Select(e => e.Key));
        Assert.All(underB.Entries, e => Assert.Equal("value of " + e.Key, Encoding.UTF8.GetString(e.Value)));

        // The prefix is a plain string prefix: "/a/b" also matches "/a/bc/1" and "/a/b" itself.
        var rawPrefix = await Store.ListAsync("/a/b", None);
        Assert.Equal(["/a/b", "/a/b/1", "/a/b/1/deep", "/a/b/2", "/a/bc/1"], rawPrefix.Entries.Select(e => e.Key));

        Assert.Equal(["/a/bc/1"], (await Store.ListAsync("/a/bc/", None)).Entries.Select(e => e.Key));
        Assert.Empty((await Store.ListAsync("/a/d", None)).Entries);
        Assert.Equal(7, (await Store.ListAsync("", None)).Entries.Count);

        var exact = (await Store.ListAsync("/a/c", None)).Entries.Single();
        Assert.Equal(new[] { 4L, 4L }, new[] { exact.ModRevision, exact.CreateRevision });
    }

    [Fact]
    public async Task List_reflects_updates_and_deletes()
    {
        var a = await Store.CreateAsync("/p/a", Utf8("a1"), None);
        var b = await Store.CreateAsync("/p/b", Utf8("b1"), None);
        await Store.UpdateAsync("/p/a", Utf8("a2"), a.Revision, None);
        await Store.DeleteAsync("/p/b", b.Revision, None);

        var snapshot = await Store.ListAsync("/p/", None);

        Assert.Equal(4, snapshot.Revision);
        var only = Assert.Single(snapshot.Entries);
        Assert.Equal("/p/a", only.Key);
        Assert.Equal("a2", Encoding.UTF8.GetString(only.Value));
        Assert.Equal(3, only.ModRevision);
        Assert.Equal(1, only.CreateRevision);
    }

    [Fact]
    public async Task List_during_concurrent_writes_is_a_consistent_snapshot_that_a_watch_from_its_revision_completes()
    {
        const int writers = 4;
        const int opsPerWriter = 150;
        using var listing = new CancellationTokenSource();
        var snapshots = new ConcurrentBag<StoreSnapshot>();

        var listerStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lister = Task.Run(async () =>
        {
            while (!listing.IsCancellationRequested)
            {
                snapshots.Add(await Store.ListAsync("/c/", None));
                listerStarted.TrySetResult();
                await Task.Yield();
            }
        });
        await listerStarted.Task;
        var writing = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var rnd = new Random(w);
            for (var i = 0; i < opsPerWriter; i++)
            {
                if (i % 10 == 0)
                {
                    // An in-memory store finishes all writes in microseconds; pause so listings interleave with them.
                    await Task.Delay(1);
                }

                var key = $"/c/{w}/{rnd.Next(10)}";
                var current = await Store.GetAsync(key, None);
                if (current is null)
                {
                    await Store.CreateAsync(key, Utf8($"{w}-{i}"), None);
                }
                else if (rnd.Next(3) == 0)
                {
                    await Store.DeleteAsync(key, current.ModRevision, None);
                }
                else
                {
                    await Store.UpdateAsync(key, Utf8($"{w}-{i}"), current.ModRevision, None);
                }
            }
        })).ToArray();
        await Task.WhenAll(writing);
        await listing.CancelAsync();
        await lister;

        var final = await Store.ListAsync("/c/", None);
        Assert.Equal(writers * opsPerWriter, final.Revision);
        // The test only means something if some snapshots were taken mid-way through the writes.
        Assert.Contains(snapshots, s => s.Revision > 0 && s.Revision < final.Revision);

        // Replaying the log after a snapshot's revision onto that snapshot must give exactly the final state.
        foreach (var snapshot in snapshots.OrderBy(s => s.Revision).Where((_, i) => i % Math.Max(1, snapshots.Count / 5) == 0))
        {
            Assert.All(snapshot.Entries, e => Assert.True(e.ModRevision <= snapshot.Revision));
            var state = snapshot.Entries.ToDictionary(e => e.Key);
            if (snapshot.Revision < final.Revision)
            {
                var events = await WatchReader.ReadUntilAsync(Store, "/c/", snapshot.Revision, e => e.Revision == final.Revision);
                foreach (var e in events)
                {
                    if (e.Type == StoreEventType.Put)
                    {
                        Assert.Equal(e.Created, !state.ContainsKey(e.Entry.Key));
                        state[e.Entry.Key] = e.Entry;
                    }
                    else
                    {
                        Assert.Equal(state[e.Entry.Key].ModRevision, e.Entry.ModRevision);
                        Assert.True(state.Remove(e.Entry.Key));
                    }
                }
            }

            Assert.Equal(
                final.Entries.Select(e => (e.Key, Encoding.UTF8.GetString(e.Value), e.ModRevision, e.CreateRevision)),
                state.Values.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => (e.Key, Encoding.UTF8.GetString(e.Value), e.ModRevision, e.CreateRevision)));
        }
    }

    [Fact]
    public async Task Watch_from_a_revision_delivers_exactly_the_later_events_under_the_prefix_in_order()
    {
        await Store.CreateAsync("/w/a/1", Utf8("early"), None);                 // 1: before the watch point
        var from = await Store.CurrentRevisionAsync(None);
        var a2 = await Store.CreateAsync("/w/a/2", Utf8("x"), None);             // 2
        await Store.CreateAsync("/w/b/1", Utf8("other prefix"), None);           // 3
        await Store.CreateAsync("/w/ab", Utf8("sibling, not a child"), None);    // 4
        await Store.UpdateAsync("/w/a/2", Utf8("y"), a2.Revision, None);         // 5
        await Store.CreateAsync("/w/a/3", Utf8("z"), None);                      // 6

        var events = await WatchReader.ReadUntilAsync(Store, "/w/a/", from, e => e.Entry.Key == "/w/a/3");

        Assert.Equal(
            [(StoreEventType.Put, 2L, "/w/a/2", "x", true), (StoreEventType.Put, 5L, "/w/a/2", "y", false), (StoreEventType.Put, 6L, "/w/a/3", "z", true)],
            events.Select(e => (e.Type, e.Revision, e.Entry.Key, Encoding.UTF8.GetString(e.Entry.Value), e.Created)));

        // From revision 0 with the empty prefix the whole history arrives.
        var all = await WatchReader.ReadAsync(Store, "", 0, 6);
        Assert.Equal([1L, 2, 3, 4, 5, 6], all.Select(e => e.Revision));
    }

    [Fact]
    public async Task Watch_delivers_long_histories_completely_and_in_order()
    {
        // More events than one read batch, with matching keys sparse among non-matching ones.
        const int total = 2500;
        for (var start = 0; start < total; start += 250)
        {
            await Task.WhenAll(Enumerable.Range(start, 250).Select(i =>
                Store.CreateAsync(i % 100 == 7 ? $"/sparse/{i:D5}" : $"/dense/{i:D5}", Utf8("x"), None)));
        }

        var all = await WatchReader.ReadAsync(Store, "", 0, total);
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), all.Select(e => e.Revision));

        var sparse = await WatchReader.ReadAsync(Store, "/sparse/", 0, total / 100);
        Assert.True(sparse.Select(e => e.Revision).SequenceEqual(sparse.Select(e => e.Revision).Order()));
        Assert.Equal(
            Enumerable.Range(0, total).Where(i => i % 100 == 7).Select(i => $"/sparse/{i:D5}"),
            sparse.Select(e => e.Entry.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Watch_receives_events_written_after_it_started()
    {
        await Store.CreateAsync("/live/before", Utf8("0"), None);
        var from = await Store.CurrentRevisionAsync(None);
        var reading = WatchReader.ReadAsync(Store, "/live/", from, 3);

        // Let the watch catch up and go idle before writing.
        await Task.Delay(200);
        Assert.False(reading.IsCompleted);
        var created = await Store.CreateAsync("/live/x", Utf8("1"), None);
        await Store.CreateAsync("/elsewhere/y", Utf8("ignored"), None);
        var updated = await Store.UpdateAsync("/live/x", Utf8("2"), created.Revision, None);
        await Store.DeleteAsync("/live/x", updated.Revision, None);

        var events = await reading;
        Assert.Equal([StoreEventType.Put, StoreEventType.Put, StoreEventType.Delete], events.Select(e => e.Type));
        Assert.Equal([2L, 4, 5], events.Select(e => e.Revision));
        Assert.All(events, e => Assert.Equal("/live/x", e.Entry.Key));
    }

    [Fact]
    public async Task Live_watch_delivers_promptly()
    {
        const int writes = 5;
        using var cts = new CancellationTokenSource(WatchReader.DefaultTimeout);
        await using var watch = Store.WatchAsync("/prompt/", 0, cts.Token).GetAsyncEnumerator(cts.Token);
        var first = watch.MoveNextAsync();
        await Task.Delay(300);

        // Each write is awaited by the watch before the next: with only a 1 s poll this would take about 2.5 s.
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 1; i <= writes; i++)
        {
            await Store.CreateAsync($"/prompt/{i}", Utf8("x"), None);
            Assert.True(i == 1 ? await first : await watch.MoveNextAsync());
            Assert.Equal(i, watch.Current.Revision);
        }

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1.5), $"{writes} live deliveries took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Events_carry_created_flags_and_a_delete_carries_the_last_value()
    {
        var created = await Store.CreateAsync("/e/k", Utf8("v1"), None);
        var updated = await Store.UpdateAsync("/e/k", Utf8("v2"), created.Revision, None);
        var deleted = await Store.DeleteAsync("/e/k", updated.Revision, None);

        var events = await WatchReader.ReadAsync(Store, "/e/", 0, 3);

        Assert.Equal(new StoreEvent(StoreEventType.Put, 1, events[0].Entry, Created: true), events[0]);
        Assert.Equal(new StoreEntry("/e/k", events[0].Entry.Value, 1, 1), events[0].Entry);
        Assert.Equal("v1", Encoding.UTF8.GetString(events[0].Entry.Value));

        Assert.Equal(StoreEventType.Put, events[1].Type);
        Assert.False(events[1].Created);
        Assert.Equal(2, events[1].Revision);
        Assert.Equal((2L, 1L, "v2"), (events[1].Entry.ModRevision, events[1].Entry.CreateRevision, Encoding.UTF8.GetString(events[1].Entry.Value)));

        Assert.Equal(StoreEventType.Delete, events[2].Type);
        Assert.False(events[2].Created);
        Assert.Equal(deleted.Revision, events[2].Revision);
        // The deleted entry as it was: last value, its old modification revision.
        Assert.Equal((2L, 1L, "v2"), (events[2].Entry.ModRevision, events[2].Entry.CreateRevision, Encoding.UTF8.GetString(events[2].Entry.Value)));
    }

    [Fact]
    public async Task Compaction_fails_watches_from_before_it_and_keeps_later_history()
    {
        for (var i = 1; i <= 5; i++)
        {
            await Store.CreateAsync($"/h/{i}", Utf8(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), None);
        }

        await Store.CompactAsync(3, None);

        Assert.Equal(3, await Store.CompactedRevisionAsync(None));
        var tooOld = await Assert.ThrowsAsync<RevisionCompactedException>(() => WatchReader.ReadAsync(Store, "/h/", 2, 1));
        Assert.Equal(2, tooOld.Requested);
        Assert.Equal(3, tooOld.Compacted);
        await Assert.ThrowsAsync<RevisionCompactedException>(() => WatchReader.ReadAsync(Store, "", 0, 1));

        var atCompacted = await WatchReader.ReadAsync(Store, "/h/", 3, 2);
        Assert.Equal([4L, 5], atCompacted.Select(e => e.Revision));
        var after = await WatchReader.ReadAsync(Store, "/h/", 4, 1);
        Assert.Equal(5, after.Single().Revision);

        // Compaction never changes the live data.
        Assert.Equal(5, (await Store.ListAsync("/h/", None)).Entries.Count);
        Assert.Equal(5, await Store.CurrentRevisionAsync(None));
    }

    [Fact]
    public async Task Compaction_is_clamped_to_the_current_revision_and_never_moves_back()
    {
        await Store.CreateAsync("/x/1", Utf8("1"), None);
        await Store.CreateAsync("/x/2", Utf8("2"), None);

        await Store.CompactAsync(100, None);
        Assert.Equal(2, await Store.CompactedRevisionAsync(None));

        await Store.CompactAsync(1, None);
        Assert.Equal(2, await Store.CompactedRevisionAsync(None));
        await Assert.ThrowsAsync<RevisionCompactedException>(() => WatchReader.ReadAsync(Store, "/x/", 1, 1));

        // A watch at the compacted revision sees new writes.
        var reading = WatchReader.ReadAsync(Store, "/x/", 2, 1);
        await Store.CreateAsync("/x/3", Utf8("3"), None);
        Assert.Equal(3, (await reading).Single().Revision);
    }

    [Fact]
    public async Task Compaction_of_an_empty_store_is_a_no_op()
    {
        await Store.CompactAsync(10, None);
        Assert.Equal(0, await Store.CompactedRevisionAsync(None));
        var reading = WatchReader.ReadAsync(Store, "", 0, 1);
        await Store.CreateAsync("/first", Utf8("1"), None);
        Assert.Equal(1, (await reading).Single().Revision);
    }

    [Fact]
    public async Task Cancelling_a_watch_ends_the_enumeration_promptly()
    {
        await Store.CreateAsync("/cancel/a", Utf8("1"), None);
        using var cts = new CancellationTokenSource();
        var received = new List<StoreEvent>();
        var watching = Task.Run(async () =>
        {
            await foreach (var e in Store.WatchAsync("/cancel/", 0, cts.Token))
            {
                received.Add(e);
            }
        });
        await Task.Delay(300);
        Assert.False(watching.IsCompleted);

        var cancelledAt = DateTime.UtcNow;
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watching.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(DateTime.UtcNow - cancelledAt < TimeSpan.FromSeconds(1), $"took {DateTime.UtcNow - cancelledAt}");
        Assert.Equal("/cancel/a", Assert.Single(received).Entry.Key);
    }

    [Fact]
    public async Task Concurrent_compare_and_swap_has_exactly_one_winner_per_round()
    {
        const int contenders = 16;
        const int rounds = 10;
        var current = (await Store.CreateAsync("/cas", Utf8("start"), None)).Current!;

        for (var round = 0; round < rounds; round++)
        {
            var expected = current.ModRevision;
            using var go = new ManualResetEventSlim();
            var attempts = Enumerable.Range(0, contenders)
                .Select(i => Task.Run(() =>
                {
                    go.Wait();
                    return Store.UpdateAsync("/cas", Utf8($"round {round} by {i}"), expected, None);
                }))
                .ToArray();
            go.Set();
            var results = await Task.WhenAll(attempts);

            var winner = Assert.Single(results, r => r.Status == WriteStatus.Ok);
            var losers = results.Where(r => r.Status != WriteStatus.Ok).ToList();
            Assert.Equal(contenders - 1, losers.Count);
            Assert.All(losers, r =>
            {
                Assert.Equal(WriteStatus.Conflict, r.Status);
                Assert.Equal(winner.Revision, r.Current!.ModRevision);
            });
            current = (await Store.GetAsync("/cas", None))!;
            Assert.Equal(winner.Revision, current.ModRevision);
            Assert.Equal(Encoding.UTF8.GetString(winner.Current!.Value), Encoding.UTF8.GetString(current.Value));
        }

        Assert.Equal(1 + rounds, await Store.CurrentRevisionAsync(None));
    }

    [Fact]
    public async Task Concurrent_creates_of_one_key_have_exactly_one_winner()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => Store.CreateAsync("/once", Utf8(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), None))));

        var winner = Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r =>
        {
            Assert.Equal(WriteStatus.AlreadyExists, r.Status);
            Assert.Equal(winner.Revision, r.Current!.ModRevision);
        });
        Assert.Equal(1, await Store.CurrentRevisionAsync(None));
    }

    [Fact]
    public async Task Binary_values_round_trip_through_every_read_path()
    {
        var allBytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var large = new byte[1 << 20];
        new Random(42).NextBytes(large);
        var empty = Array.Empty<byte>();

        var a = await Store.CreateAsync("/bin/all", allBytes, None);
        await Store.CreateAsync("/bin/empty", empty, None);
        await Store.CreateAsync("/bin/large", large, None);
        await Store.UpdateAsync("/bin/all", [0, 0xFF, 0, 0xFE, (byte)'\r', (byte)'\n'], a.Revision, None);
        var b = await Store.CreateAsync("/bin/gone", allBytes, None);
        await Store.DeleteAsync("/bin/gone", b.Revision, None);

        Assert.Equal(new byte[] { 0, 0xFF, 0, 0xFE, 13, 10 }, (await Store.GetAsync("/bin/all", None))!.Value);
        Assert.Equal(empty, (await Store.GetAsync("/bin/empty", None))!.Value);
        Assert.Equal(large, (await Store.GetAsync("/bin/large", None))!.Value);

        var listed = (await Store.ListAsync("/bin/", None)).Entries.ToDictionary(e => e.Key, e => e.Value);
        Assert.Equal(new byte[] { 0, 0xFF, 0, 0xFE, 13, 10 }, listed["/bin/all"]);
        Assert.Equal(empty, listed["/bin/empty"]);
        Assert.Equal(large, listed["/bin/large"]);

        var events = await WatchReader.ReadAsync(Store, "/bin/", 0, 6);
        Assert.Equal(allBytes, events[0].Entry.Value);
        Assert.Equal(empty, events[1].Entry.Value);
        Assert.Equal(large, events[2].Entry.Value);
        Assert.Equal(new byte[] { 0, 0xFF, 0, 0xFE, 13, 10 }, events[3].Entry.Value);
        Assert.Equal(allBytes, events[5].Entry.Value);
        Assert.Equal(StoreEventType.Delete, events[5].Type);
    }

    [Fact]
    public async Task Keys_with_non_ascii_and_special_characters_work()
    {
        string[] keys = ["/ns/ünïcödé/名前", "/ns/with space", "/ns/[bracket]", "/ns/(paren)", "/ns/-dash", "/ns/+plus"];
        foreach (var key in keys)
        {
            Assert.True((await Store.CreateAsync(key, Utf8(key), None)).Succeeded);
        }

        var listed = await Store.ListAsync("/ns/", None);
        Assert.Equal(keys.OrderBy(k => k, StringComparer.Ordinal), listed.Entries.Select(e => e.Key));
        Assert.All(listed.Entries, e => Assert.Equal(e.Key, Encoding.UTF8.GetString(e.Value)));
        Assert.Equal(["/ns/ünïcödé/名前"], (await Store.ListAsync("/ns/ü", None)).Entries.Select(e => e.Key));
        Assert.Equal("/ns/[bracket]", (await Store.GetAsync("/ns/[bracket]", None))!.Key);

        var events = await WatchReader.ReadAsync(Store, "/ns/ünïcödé/", 0, 1);
        Assert.Equal("/ns/ünïcödé/名前", events.Single().Entry.Key);
    }
}
