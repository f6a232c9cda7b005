using Microsoft.Extensions.Logging.Abstractions;
using Shim.Client;
using Shim.Controllers.Disruption;
using Shim.Controllers.Runtime;
using Shim.Controllers.Tests.Support;
using Shim.Model;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;
using Shim.Model.Policy.V1;
using Shim.Testing;
using Deployment = Shim.Model.Apps.V1.Deployment;
using DeploymentSpec = Shim.Model.Apps.V1.DeploymentSpec;
using ReplicaSet = Shim.Model.Apps.V1.ReplicaSet;
using ReplicaSetSpec = Shim.Model.Apps.V1.ReplicaSetSpec;

namespace Shim.Controllers.Tests.Disruption;

/// <summary>PodDisruptionBudget status as the disruption controller computes it, observed through the API.</summary>
public sealed class DisruptionControllerTests
{
    private const string Ns = "default";

    [Fact]
    public async Task MinAvailable_as_an_integer_counts_the_selected_pods()
    {
        await using var cluster = await Cluster.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await cluster.CreateReadyPodAsync($"web-{i}", owner: null);
        }

        await cluster.CreateBudgetAsync(new PodDisruptionBudgetSpec { MinAvailable = 2 });
        var status = await cluster.StatusAsync(s => s.DisruptionsAllowed == 1);

        Assert.Equal((3, 2, 3, 1, 1L), (status.ExpectedPods, status.DesiredHealthy, status.CurrentHealthy, status.DisruptionsAllowed, status.ObservedGeneration));
        var condition = status.Conditions!.Single(c => c.Type == "DisruptionAllowed");
        Assert.Equal(("True", "SufficientPods"), (condition.Status, condition.Reason));
    }

    [Theory]
    [InlineData("maxUnavailable", "1", 3, 0)]
    [InlineData("maxUnavailable", "30%", 2, 1)]
    [InlineData("minAvailable", "50%", 2, 1)]
    [InlineData("minAvailable", "80%", 4, 0)]
    public async Task Percentages_and_maxUnavailable_count_from_the_deployments_scale(string field, string value, int desired, int allowed)
    {
        await using var cluster = await Cluster.StartAsync();
        var deployment = await cluster.Client.CreateAsync(ResourcePath.For<Deployment>(Ns), new Deployment
        {
            Metadata = new ObjectMeta { Name = "web" },
            Spec = new DeploymentSpec { Replicas = 4, Selector = Selector(), Template = Template() },
        }, CancellationToken.None);
        var replicaSet = await cluster.Client.CreateAsync(ResourcePath.For<ReplicaSet>(Ns), new ReplicaSet
        {
            Metadata = new ObjectMeta { Name = "web-1", OwnerReferences = [OwnerReferences.ControllerReference(deployment)] },
            Spec = new ReplicaSetSpec { Replicas = 4, Selector = Selector(), Template = Template() },
        }, CancellationToken.None);
        for (var i = 0; i < 3; i++)
        {
            await cluster.CreateReadyPodAsync($"web-{i}", OwnerReferences.ControllerReference(replicaSet));
        }

        IntOrString amount = int.TryParse(value, out var number) ? number : value;
        await cluster.CreateBudgetAsync(field == "maxUnavailable" ? new PodDisruptionBudgetSpec { MaxUnavailable = amount } : new PodDisruptionBudgetSpec { MinAvailable = amount });
        var status = await cluster.StatusAsync(s => s.ExpectedPods == 4 && s.CurrentHealthy == 3);

        Assert.Equal((desired, allowed), (status.DesiredHealthy, status.DisruptionsAllowed));
        var condition = status.Conditions!.Single(c => c.Type == "DisruptionAllowed");
        Assert.Equal(allowed > 0 ? ("True", "SufficientPods") : ("False", "InsufficientPods"), (condition.Status, condition.Reason));
    }

    [Fact]
    public async Task An_evicted_pod_stops_counting_as_healthy_until_two_minutes_pass_without_its_deletion()
    {
        await using var cluster = await Cluster.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await cluster.CreateReadyPodAsync($"web-{i}", owner: null);
        }

        await cluster.CreateBudgetAsync(new PodDisruptionBudgetSpec { MinAvailable = 1 });
        await cluster.StatusAsync(s => s.CurrentHealthy == 3 && s.DisruptionsAllowed == 2);

        // What the eviction subresource records when it approves an eviction.
        var at = cluster.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        await cluster.Client.PatchAsync<PodDisruptionBudget>(ResourcePath.For<PodDisruptionBudget>(Ns, "web", "status"), KubeClient.MergePatch,
            $$$"""{"status":{"disruptedPods":{"web-0":"{{{at}}}"},"disruptionsAllowed":1}}""", CancellationToken.None);
        var pending = await cluster.StatusAsync(s => s.CurrentHealthy == 2);
        Assert.Equal(1, pending.DisruptionsAllowed);
        Assert.True(pending.DisruptedPods!.ContainsKey("web-0"));

        cluster.Clock.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        var expired = await cluster.StatusAsync(s => s.CurrentHealthy == 3);
        Assert.Equal(2, expired.DisruptionsAllowed);
        Assert.True(expired.DisruptedPods is null or { Count: 0 });
    }

    private static LabelSelector Selector() => new() { MatchLabels = new() { ["app"] = "web" } };

    private static PodTemplateSpec Template() => new()
    {
        Metadata = new ObjectMeta { Labels = new() { ["app"] = "web" } },
        Spec = new PodSpec { Containers = [new Container { Name = "app", Image = "busybox" }] },
    };

    private sealed class Cluster : IAsyncDisposable
    {
        private readonly ApiServer _api;
        private readonly EventRecorder _events;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _run;

        private Cluster(ApiServer api)
        {
            _api = api;
            var informers = new SharedInformers(api.Client, ApiServer.Loggers);
            _events = new EventRecorder(api.Client, "controllermanager", "test", Clock, NullLogger<EventRecorder>.Instance);
            var controller = new DisruptionController(api.Client, informers, _events, Clock, ApiServer.Loggers);
            _run = Task.WhenAll(informers.RunAsync(_stop.Token), controller.RunAsync(_stop.Token));
        }

        public ManualTimeProvider Clock { get; } = new();

        public KubeClient Client => _api.Client;

        public static async Task<Cluster> StartAsync() => new(await ApiServer.StartAsync());

        public async Task CreateReadyPodAsync(string name, OwnerReference? owner)
        {
            var pod = await Client.CreateAsync(ResourcePath.For<Pod>(Ns), new Pod
            {
                Metadata = new ObjectMeta { Name = name, Labels = new() { ["app"] = "web" }, OwnerReferences = owner is null ? null : [owner] },
                Spec = new PodSpec { Containers = [new Container { Name = "app", Image = "busybox" }] },
            }, CancellationToken.None);
            await Kubelet.MarkReadyAsync(Client, pod);
        }

        public Task<PodDisruptionBudget> CreateBudgetAsync(PodDisruptionBudgetSpec spec)
        {
            spec.Selector = Selector();
            return Client.CreateAsync(ResourcePath.For<PodDisruptionBudget>(Ns), new PodDisruptionBudget { Metadata = new ObjectMeta { Name = "web" }, Spec = spec }, CancellationToken.None);
        }

        public Task<PodDisruptionBudgetStatus> StatusAsync(Func<PodDisruptionBudgetStatus, bool> wanted)
        {
            PodDisruptionBudgetStatus? last = null;
            return Eventually.UntilAsync(async () =>
            {
                last = (await Client.GetAsync<PodDisruptionBudget>(ResourcePath.For<PodDisruptionBudget>(Ns, "web"), CancellationToken.None))?.Status;
                return last is not null && wanted(last) ? last : null;
            }, "the budget's status", describe: () => System.Text.Json.JsonSerializer.Serialize(last, ModelJson.Options));
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await _run;
            }
            catch (OperationCanceledException)
            {
            }

            await _events.DisposeAsync();
            await _api.DisposeAsync();
            _stop.Dispose();
        }
    }
}
