using Microsoft.Extensions.Logging.Abstractions;
using Shim.Client;
using Shim.Controllers.Tests.Support;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;

namespace Shim.Controllers.Tests.Runtime;

public sealed class InformerTests
{
    [Fact]
    public async Task The_cache_follows_creates_updates_and_deletes_after_the_first_list()
    {
        await using var api = await ApiServer.StartAsync();
        var client = api.Client;
        await client.CreateAsync(ResourcePath.For<ConfigMap>("default"), new ConfigMap { Metadata = new ObjectMeta { Name = "before" } }, CancellationToken.None);
        var informer = new Informer<ConfigMap>(client, NullLogger.Instance, "default");
        var events = new List<string>();
        informer.OnAdd(c => { lock (events) events.Add("add " + c.Metadata!.Name); });
        informer.OnUpdate((_, c) => { lock (events) events.Add("update " + c.Metadata!.Name); });
        informer.OnDelete(c => { lock (events) events.Add("delete " + c.Metadata!.Name); });
        using var stop = new CancellationTokenSource();
        var running = informer.RunAsync(stop.Token);
        await informer.Synced.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(informer.Get("default", "before"));

        await client.CreateAsync(ResourcePath.For<ConfigMap>("default"), new ConfigMap { Metadata = new ObjectMeta { Name = "after" } }, CancellationToken.None);
        await client.PatchAsync<ConfigMap>(ResourcePath.For<ConfigMap>("default", "after"), KubeClient.MergePatch, """{"data":{"k":"v"}}""", CancellationToken.None);
        await client.DeleteAsync(ResourcePath.For<ConfigMap>("default", "before"), null, CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(informer.Get("default", "before") is null && informer.Get("default", "after")?.Data?.GetValueOrDefault("k") == "v"), "the cache to catch up", describe: () => string.Join(", ", events));
        await stop.CancelAsync();
        await running;
        Assert.Equal(["add before", "add after", "update after", "delete before"], events.Where(e => !e.EndsWith("kube-root-ca.crt", StringComparison.Ordinal)));
    }
}
