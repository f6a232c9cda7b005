using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Shim.Api.Errors;
using Shim.Api.Json;
using Shim.Api.Registry;
using Shim.Api.Resources;
using Shim.Api.Watch;
using Shim.Storage;
using Xunit;

namespace Shim.Api.Tests.Registry;

/// <summary>The generic registry over the embedded store: object semantics every kind shares.</summary>
public sealed class GenericRegistryTests : IAsyncLifetime
{
    private readonly MemoryStore _store = new();
    private readonly ResourceRegistry _resources = BuiltInResources.Create();
    private readonly WatchCacheHub _hub;
    private readonly GenericRegistry _registry;
    private readonly CancellationTokenSource _stop = new();

    public GenericRegistryTests()
    {
        _hub = new WatchCacheHub(_store, _resources, NullLogger<WatchCacheHub>.Instance);
        _registry = new GenericRegistry(_store, _hub, _resources, TimeProvider.System);
    }

    private ResourceDefinition Deployments => _resources.Get("apps", "deployments");
    private ResourceDefinition ConfigMaps => _resources.Get("", "configmaps");

    public async Task InitializeAsync()
    {
        await _hub.StartAsync(_stop.Token);
        await _hub.Ready;
        await _registry.CreateAsync(_resources.Get("", "namespaces"), Obj("""{"metadata":{"name":"ns"}}"""), false, default);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _hub.StopAsync(default);
        _stop.Dispose();
    }

    [Fact]
    public async Task GenerationMovesOnSpecChangesOnly()
    {
        var created = await _registry.CreateAsync(Deployments, Deployment(), false, default);
        Assert.Equal(1, created.Long("metadata", "generation"));
        var relabelled = await _registry.UpdateAsync(Deployments, "ns", "web", Subresource.None, false, o =>
        {
            o.Metadata().Ensure("labels")["x"] = "y";
            return o;
        }, default);
        Assert.Equal(1, relabelled.Long("metadata", "generation"));
        var scaled = await _registry.UpdateAsync(Deployments, "ns", "web", Subresource.None, false, o =>
        {
            o.Ensure("spec")["replicas"] = 3;
            return o;
        }, default);
        Assert.Equal(2, scaled.Long("metadata", "generation"));
    }

    [Fact]
    public async Task StatusSplit()
    {
        await _registry.CreateAsync(Deployments, Deployment(), false, default);
        var main = await _registry.UpdateAsync(Deployments, "ns", "web", Subresource.None, false, o =>
        {
            o["status"] = new JsonObject { ["replicas"] = 5 };
            return o;
        }, default);
        Assert.Null(main["status"]);
        var status = await _registry.UpdateAsync(Deployments, "ns", "web", Subresource.Status, false, o =>
        {
            o["status"] = new JsonObject { ["replicas"] = 5 };
            o.Ensure("spec")["replicas"] = 9;
            return o;
        }, default);
        Assert.Equal(5, status.Long("status", "replicas"));
        Assert.Equal(1, status.Long("spec", "replicas"));
    }

    [Fact]
    public async Task StaleResourceVersionConflictsAndChangesNothing()
    {
        var created = await _registry.CreateAsync(ConfigMaps, Obj("""{"metadata":{"name":"c","namespace":"ns"},"data":{"a":"1"}}"""), false, default);
        var rv = created.Str("metadata", "resourceVersion")!;
        await _registry.UpdateAsync(ConfigMaps, "ns", "c", Subresource.None, false, o => { o["data"] = new JsonObject { ["a"] = "2" }; return o; }, default);
        var stale = Obj($$$"""{"metadata":{"name":"c","namespace":"ns","resourceVersion":"{{{rv}}}"},"data":{"a":"3"}}""");
        var error = await Assert.ThrowsAsync<ApiException>(() => _registry.UpdateAsync(ConfigMaps, "ns", "c", Subresource.None, false, _ => stale, default));
        Assert.Equal(409, error.Code);
        Assert.Equal("Conflict", error.Reason);
        Assert.Equal("2", (await _registry.GetFromStoreAsync(ConfigMaps, "ns", "c", default))!.Str("data", "a"));
    }

    [Fact]
    public async Task FinalizersHoldDeletionUntilRemoved()
    {
        await _registry.CreateAsync(ConfigMaps, Obj("""{"metadata":{"name":"held","namespace":"ns","finalizers":["x/y"]}}"""), false, default);
        var pending = await _registry.DeleteAsync(ConfigMaps, "ns", "held", DeleteOptions.Default, default);
        Assert.False(pending.Removed);
        Assert.NotNull(pending.Object.At("metadata", "deletionTimestamp"));
        var blocked = await Assert.ThrowsAsync<ApiException>(() => _registry.UpdateAsync(ConfigMaps, "ns", "held", Subresource.None, false, o =>
        {
            o.Metadata()["finalizers"] = new JsonArray("x/y", "new/one");
            return o;
        }, default));
        Assert.Equal(422, blocked.Code);
        await _registry.UpdateAsync(ConfigMaps, "ns", "held", Subresource.None, false, o => { o.Metadata().Remove("finalizers"); return o; }, default);
        Assert.Null(await _registry.GetFromStoreAsync(ConfigMaps, "ns", "held", default));
    }

    [Fact]
    public async Task ForegroundAndOrphanPropagationAddTheirFinalizers()
    {
        await _registry.CreateAsync(ConfigMaps, Obj("""{"metadata":{"name":"f","namespace":"ns"}}"""), false, default);
        var foreground = await _registry.DeleteAsync(ConfigMaps, "ns", "f", DeleteOptions.Default with { Propagation = PropagationPolicy.Foreground }, default);
        Assert.Equal(["foregroundDeletion"], foreground.Object.At("metadata", "finalizers")!.AsArray().Select(f => f!.ToString()));
        await _registry.CreateAsync(ConfigMaps, Obj("""{"metadata":{"name":"o","namespace":"ns"}}"""), false, default);
        var orphan = await _registry.DeleteAsync(ConfigMaps, "ns", "o", DeleteOptions.Default with { Propagation = PropagationPolicy.Orphan }, default);
        Assert.Equal(["orphan"], orphan.Object.At("metadata", "finalizers")!.AsArray().Select(f => f!.ToString()));
    }

    [Fact]
    public async Task CreateIntoAMissingNamespaceIs404()
    {
        var error = await Assert.ThrowsAsync<ApiException>(() => _registry.CreateAsync(ConfigMaps, Obj("""{"metadata":{"name":"c","namespace":"nope"}}"""), false, default));
        Assert.Equal(404, error.Code);
        Assert.Equal("namespaces \"nope\" not found", error.Message);
    }

    [Fact]
    public async Task DryRunWritesNothing()
    {
        var dry = await _registry.CreateAsync(ConfigMaps, Obj("""{"metadata":{"name":"dry","namespace":"ns"}}"""), true, default);
        Assert.Equal("dry", dry.Str("metadata", "name"));
        Assert.Null(await _registry.GetFromStoreAsync(ConfigMaps, "ns", "dry", default));
    }

    [Fact]
    public async Task ConcurrentUnpinnedUpdatesAllLand()
    {
        await _registry.CreateAsync(ConfigMaps, Obj("""{"metadata":{"name":"counter","namespace":"ns"},"data":{}}"""), false, default);
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => _registry.UpdateAsync(ConfigMaps, "ns", "counter", Subresource.None, false, o =>
        {
            o.Ensure("data")[$"k{i}"] = "v";
            o.Metadata().Remove("resourceVersion");
            return o;
        }, default))));
        Assert.Equal(20, (await _registry.GetFromStoreAsync(ConfigMaps, "ns", "counter", default))!.At("data")!.AsObject().Count);
    }

    private static JsonObject Deployment() => Obj("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"ns"},
         "spec":{"replicas":1,"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}
        """);

    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();
}
