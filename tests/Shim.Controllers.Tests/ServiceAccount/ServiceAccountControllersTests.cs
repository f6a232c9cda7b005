using Shim.Client;
using Shim.Controllers.Runtime;
using Shim.Controllers.ServiceAccount;
using Shim.Controllers.Tests.Support;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;
using NamespaceObject = Shim.Model.Core.V1.Namespace;
using ServiceAccountObject = Shim.Model.Core.V1.ServiceAccount;

namespace Shim.Controllers.Tests.ServiceAccount;

public sealed class ServiceAccountControllersTests
{
    private const string CaPem = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n";

    [Fact]
    public async Task A_new_namespace_gets_a_default_service_account_and_the_root_ca_and_keeps_them()
    {
        await using var api = await ApiServer.StartAsync();
        var client = api.Client;
        var informers = new SharedInformers(client, ApiServer.Loggers);
        var accounts = new ServiceAccountsController(client, informers, TimeProvider.System, ApiServer.Loggers);
        var publisher = new RootCaPublisher(client, informers, CaPem, TimeProvider.System, ApiServer.Loggers);
        using var stop = new CancellationTokenSource();
        var running = Task.WhenAll(informers.RunAsync(stop.Token), accounts.RunAsync(stop.Token), publisher.RunAsync(stop.Token));

        await client.CreateAsync(ResourcePath.For<NamespaceObject>(), new NamespaceObject { Metadata = new ObjectMeta { Name = "team" } }, CancellationToken.None);
        var sa = ResourcePath.For<ServiceAccountObject>("team", "default");
        var ca = ResourcePath.For<ConfigMap>("team", "kube-root-ca.crt");

        await Eventually.TrueAsync(async () => await client.GetAsync<ServiceAccountObject>(sa, CancellationToken.None) is not null, "the default service account");
        var published = await Eventually.UntilAsync(() => client.GetAsync<ConfigMap>(ca, CancellationToken.None), "the root CA config map");
        Assert.Equal(CaPem, published.Data!["ca.crt"]);
        Assert.StartsWith("Contains a CA bundle", published.Metadata!.Annotations!["kubernetes.io/description"], StringComparison.Ordinal);

        // Deleted: both come back. Changed: the CA is put back.
        var firstUid = (await client.GetAsync<ServiceAccountObject>(sa, CancellationToken.None))!.Metadata!.Uid;
        await client.DeleteAsync(sa, null, CancellationToken.None);
        await Eventually.TrueAsync(async () => await client.GetAsync<ServiceAccountObject>(sa, CancellationToken.None) is { } again && again.Metadata!.Uid != firstUid, "the default service account recreated");
        await client.DeleteAsync(ca, null, CancellationToken.None);
        await Eventually.TrueAsync(async () => (await client.GetAsync<ConfigMap>(ca, CancellationToken.None))?.Data?.GetValueOrDefault("ca.crt") == CaPem, "the root CA recreated");
        await client.PatchAsync<ConfigMap>(ca, KubeClient.MergePatch, """{"data":{"ca.crt":"tampered","extra":"x"}}""", CancellationToken.None);
        await Eventually.TrueAsync(async () => await client.GetAsync<ConfigMap>(ca, CancellationToken.None) is { Data: { Count: 1 } data } && data["ca.crt"] == CaPem, "the root CA restored");

        // The system namespaces got theirs too.
        Assert.NotNull(await client.GetAsync<ServiceAccountObject>(ResourcePath.For<ServiceAccountObject>("kube-system", "default"), CancellationToken.None));
        Assert.NotNull(await client.GetAsync<ConfigMap>(ResourcePath.For<ConfigMap>("kube-public", "kube-root-ca.crt"), CancellationToken.None));

        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task A_terminating_namespace_gets_no_new_service_account()
    {
        await using var api = await ApiServer.StartAsync();
        var client = api.Client;
        await client.CreateAsync(ResourcePath.For<NamespaceObject>(), new NamespaceObject { Metadata = new ObjectMeta { Name = "leaving" } }, CancellationToken.None);
        await client.DeleteAsync(ResourcePath.For<NamespaceObject>(name: "leaving"), null, CancellationToken.None);
        var informers = new SharedInformers(client, ApiServer.Loggers);
        var accounts = new ServiceAccountsController(client, informers, TimeProvider.System, ApiServer.Loggers);
        using var stop = new CancellationTokenSource();
        var running = Task.WhenAll(informers.RunAsync(stop.Token), accounts.RunAsync(stop.Token));

        await client.CreateAsync(ResourcePath.For<NamespaceObject>(), new NamespaceObject { Metadata = new ObjectMeta { Name = "marker" } }, CancellationToken.None);
        await Eventually.TrueAsync(async () => await client.GetAsync<ServiceAccountObject>(ResourcePath.For<ServiceAccountObject>("marker", "default"), CancellationToken.None) is not null, "the controller at work");
        Assert.Null(await client.GetAsync<ServiceAccountObject>(ResourcePath.For<ServiceAccountObject>("leaving", "default"), CancellationToken.None));

        await stop.CancelAsync();
        await running;
    }
}
