using Shim.Client;
using Shim.Controllers.Tests.Support;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;
using Shim.Model.Rbac.V1;
using Collector = Shim.Controllers.GarbageCollector.GarbageCollector;

namespace Shim.Controllers.Tests.GarbageCollector;

public sealed class GarbageCollectorTests
{
    private const string Ns = "default";

    [Fact]
    public async Task Background_deletion_takes_the_dependents_of_every_kind_with_the_owner()
    {
        await using var gc = await CollectorRun.StartAsync();
        var owner = await gc.ConfigMapAsync("owner");
        await gc.ConfigMapAsync("child", Ref(owner));
        await gc.Client.CreateAsync(ResourcePath.For<Secret>(Ns), new Secret { Metadata = Meta("child-secret", Ref(owner)) }, CancellationToken.None);

        await gc.Client.DeleteAsync(ResourcePath.For<ConfigMap>(Ns, "owner"), new DeleteOptions { PropagationPolicy = "Background" }, CancellationToken.None);

        await Eventually.TrueAsync(async () => await gc.GoneAsync<ConfigMap>("child") && await gc.GoneAsync<Secret>("child-secret"), "the dependents collected");
    }

    [Fact]
    public async Task Orphan_deletion_releases_the_dependents_and_then_lets_the_owner_go()
    {
        await using var gc = await CollectorRun.StartAsync();
        var owner = await gc.ConfigMapAsync("owner");
        await gc.ConfigMapAsync("kept-1", Ref(owner));
        await gc.ConfigMapAsync("kept-2", Ref(owner, block: true));
        await gc.CaughtUpAsync();

        await gc.Client.DeleteAsync(ResourcePath.For<ConfigMap>(Ns, "owner"), new DeleteOptions { PropagationPolicy = "Orphan" }, CancellationToken.None);

        await Eventually.TrueAsync(() => gc.GoneAsync<ConfigMap>("owner"), "the owner gone once its orphan finalizer is removed");
        foreach (var name in new[] { "kept-1", "kept-2" })
        {
            var kept = await gc.GetAsync<ConfigMap>(name);
            Assert.NotNull(kept);
            Assert.True(kept.Metadata!.OwnerReferences is null or { Count: 0 }, $"{name} still names its owner");
        }
    }

    [Fact]
    public async Task Foreground_deletion_keeps_the_owner_until_its_blocking_dependents_are_gone()
    {
        await using var gc = await CollectorRun.StartAsync();
        var owner = await gc.ConfigMapAsync("owner");
        var middle = await gc.ConfigMapAsync("middle", Ref(owner, block: true));
        await gc.ConfigMapAsync("leaf", Ref(middle, block: true), finalizer: "example.com/hold");
        await gc.ConfigMapAsync("loose", Ref(owner, block: false), finalizer: "example.com/hold");
        await gc.CaughtUpAsync();

        await gc.Client.DeleteAsync(ResourcePath.For<ConfigMap>(Ns, "owner"), new DeleteOptions { PropagationPolicy = "Foreground" }, CancellationToken.None);

        // The dependent with dependents of its own goes in the foreground too; the held leaf stops the whole chain.
        await Eventually.TrueAsync(async () =>
            (await gc.GetAsync<ConfigMap>("leaf"))?.Metadata?.DeletionTimestamp is not null
            && (await gc.GetAsync<ConfigMap>("loose"))?.Metadata?.DeletionTimestamp is not null
            && (await gc.GetAsync<ConfigMap>("middle"))?.Metadata?.Finalizers?.Contains("foregroundDeletion") == true,
            "the dependents being deleted, the middle one in the foreground");
        var waiting = await gc.GetAsync<ConfigMap>("owner");
        Assert.NotNull(waiting?.Metadata?.DeletionTimestamp);
        Assert.Equal(["foregroundDeletion"], waiting!.Metadata!.Finalizers!);
        Assert.NotNull(await gc.GetAsync<ConfigMap>("middle"));

        await gc.ReleaseAsync("leaf");
        await Eventually.TrueAsync(() => gc.GoneAsync<ConfigMap>("middle"), "the middle dependent gone after its blocking dependent");
        await Eventually.TrueAsync(() => gc.GoneAsync<ConfigMap>("owner"), "the owner gone after its blocking dependents");

        // A dependent that does not block its owner is deleted, but not waited for.
        Assert.NotNull((await gc.GetAsync<ConfigMap>("loose"))?.Metadata?.DeletionTimestamp);
        await gc.ReleaseAsync("loose");
    }

    [Fact]
    public async Task A_dependent_naming_its_owner_by_a_stale_uid_is_collected()
    {
        await using var gc = await CollectorRun.StartAsync();
        var owner = await gc.ConfigMapAsync("owner");
        var stale = Ref(owner);
        stale.Uid = Guid.NewGuid().ToString();
        await gc.ConfigMapAsync("stale-child", stale);
        var missing = Ref(owner);
        missing.Name = "never-existed";
        missing.Uid = Guid.NewGuid().ToString();
        await gc.ConfigMapAsync("missing-child", missing);
        await gc.ConfigMapAsync("good-child", Ref(owner));

        await Eventually.TrueAsync(async () => await gc.GoneAsync<ConfigMap>("stale-child") && await gc.GoneAsync<ConfigMap>("missing-child"), "the children of absent owners collected");
        await gc.CaughtUpAsync();
        Assert.NotNull(await gc.GetAsync<ConfigMap>("owner"));
        Assert.NotNull(await gc.GetAsync<ConfigMap>("good-child"));
    }

    [Fact]
    public async Task A_dependent_with_two_owners_survives_while_one_remains()
    {
        await using var gc = await CollectorRun.StartAsync();
        var first = await gc.ConfigMapAsync("first");
        var second = await gc.ConfigMapAsync("second");
        await gc.ConfigMapAsync("shared", Ref(first), Ref(second));
        await gc.CaughtUpAsync();

        await gc.Client.DeleteAsync(ResourcePath.For<ConfigMap>(Ns, "first"), new DeleteOptions { PropagationPolicy = "Background" }, CancellationToken.None);

        var shared = await Eventually.UntilAsync(async () =>
            await gc.GetAsync<ConfigMap>("shared") is { Metadata.OwnerReferences: [var only] } c && only.Uid == second.Metadata!.Uid ? c : null,
            "the reference to the deleted owner dropped", describe: () => "still two references");
        Assert.Null(shared.Metadata!.DeletionTimestamp);

        await gc.Client.DeleteAsync(ResourcePath.For<ConfigMap>(Ns, "second"), null, CancellationToken.None);
        await Eventually.TrueAsync(() => gc.GoneAsync<ConfigMap>("shared"), "the dependent collected with its last owner");
    }

    [Fact]
    public async Task Ownership_works_across_kinds_and_scopes_it_has_no_types_for()
    {
        await using var gc = await CollectorRun.StartAsync();
        var secret = await gc.Client.CreateAsync(ResourcePath.For<Secret>(Ns), new Secret { Metadata = new ObjectMeta { Name = "owning-secret" } }, CancellationToken.None);
        var secretRef = new OwnerReference { ApiVersion = "v1", Kind = "Secret", Name = "owning-secret", Uid = secret.Metadata!.Uid };
        await gc.ConfigMapAsync("of-secret", secretRef);
        var clusterRole = await gc.Client.CreateAsync(ResourcePath.For<ClusterRole>(), new ClusterRole { Metadata = new ObjectMeta { Name = "gc-owner" } }, CancellationToken.None);
        var roleRef = new OwnerReference { ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRole", Name = "gc-owner", Uid = clusterRole.Metadata!.Uid };
        await gc.Client.CreateAsync(ResourcePath.For<Role>(Ns), new Role { Metadata = Meta("of-cluster-role", roleRef) }, CancellationToken.None);

        await gc.Client.DeleteAsync(ResourcePath.For<Secret>(Ns, "owning-secret"), null, CancellationToken.None);
        await gc.Client.DeleteAsync(ResourcePath.For<ClusterRole>(name: "gc-owner"), null, CancellationToken.None);

        await Eventually.TrueAsync(async () => await gc.GoneAsync<ConfigMap>("of-secret") && await gc.GoneAsync<Role>("of-cluster-role"), "the dependents collected");
    }

    private static OwnerReference Ref(ConfigMap owner, bool block = false) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Name = owner.Metadata!.Name,
        Uid = owner.Metadata.Uid,
        BlockOwnerDeletion = block ? true : null,
    };

    private static ObjectMeta Meta(string name, params OwnerReference[] owners) =>
        new() { Name = name, OwnerReferences = owners.Length == 0 ? null : [.. owners] };

    /// <summary>A real API server with only the garbage collector running against it.</summary>
    private sealed class CollectorRun : IAsyncDisposable
    {
        private readonly ApiServer _api;
        private readonly Collector _collector;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _running;

        private CollectorRun(ApiServer api)
        {
            _api = api;
            _collector = new Collector(api.Client, TimeProvider.System, ApiServer.Loggers);
            _running = _collector.RunAsync(_stop.Token);
        }

        public KubeClient Client => _api.Client;

        public static async Task<CollectorRun> StartAsync() => new(await ApiServer.StartAsync());

        public Task<ConfigMap> ConfigMapAsync(string name, params OwnerReference[] owners) => ConfigMapAsync(name, null, owners);

        public Task<ConfigMap> ConfigMapAsync(string name, OwnerReference owner, string finalizer) => ConfigMapAsync(name, finalizer, [owner]);

        public Task<T?> GetAsync<T>(string name)
            where T : class, Model.IKubernetesKind =>
            Client.GetAsync<T>(ResourcePath.For<T>(Ns, name), CancellationToken.None);

        public async Task<bool> GoneAsync<T>(string name)
            where T : class, Model.IKubernetesKind =>
            await GetAsync<T>(name) is null;

        public Task ReleaseAsync(string name) =>
            Client.PatchAsync<ConfigMap>(ResourcePath.For<ConfigMap>(Ns, name), KubeClient.MergePatch, """{"metadata":{"finalizers":null}}""", CancellationToken.None);

        /// <summary>
        /// Waits until the collector has seen every ConfigMap created so far: a probe naming an absent owner is created
        /// last, and the collector's ConfigMap watch delivers in order, so once the probe is collected the rest was seen.
        /// </summary>
        public async Task CaughtUpAsync()
        {
            var probe = "probe-" + Guid.NewGuid().ToString("N")[..8];
            await ConfigMapAsync(probe, new OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "absent", Uid = Guid.NewGuid().ToString() });
            await Eventually.TrueAsync(() => GoneAsync<ConfigMap>(probe), "the collector to catch up");
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _running;
            _collector.Dispose();
            _stop.Dispose();
            await _api.DisposeAsync();
        }

        private Task<ConfigMap> ConfigMapAsync(string name, string? finalizer, OwnerReference[] owners)
        {
            var meta = Meta(name, owners);
            meta.Finalizers = finalizer is null ? null : [finalizer];
            return Client.CreateAsync(ResourcePath.For<ConfigMap>(Ns), new ConfigMap { Metadata = meta }, CancellationToken.None);
        }
    }
}
