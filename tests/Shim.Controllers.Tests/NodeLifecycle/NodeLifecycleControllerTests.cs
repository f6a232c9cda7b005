using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Shim.Client;
using Shim.Controllers.NodeLifecycle;
using Shim.Controllers.Runtime;
using Shim.Controllers.Tests.Support;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;
using Shim.Testing;

namespace Shim.Controllers.Tests.NodeLifecycle;

/// <summary>The node lifecycle controller against a real API server; the test plays the node agent's heartbeats.</summary>
public sealed class NodeLifecycleControllerTests
{
    private const string Ns = "default";

    [Fact]
    public async Task A_silent_node_goes_Unknown_after_the_grace_period_and_is_tainted_unreachable()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.CreateNodeAsync("n1");

        var node = await cluster.AdvanceUntilAsync(async () =>
        {
            var n = await cluster.Client.GetAsync<Node>(ResourcePath.For<Node>(name: "n1"), CancellationToken.None);
            return n?.Spec?.Taints?.Any(t => t.Key == NodeTaints.Unreachable && t.Effect == "NoExecute") == true ? n : null;
        }, "the unreachable taint");

        var ready = node.Status!.Conditions!.Single(c => c.Type == "Ready");
        Assert.Equal("Unknown", ready.Status);
        Assert.Equal("NodeStatusUnknown", ready.Reason);
        Assert.Equal("Kubelet stopped posting node status.", ready.Message);
        Assert.All(node.Status.Conditions!.Where(c => c.Type is "MemoryPressure" or "DiskPressure" or "PIDPressure"), c => Assert.Equal("Unknown", c.Status));
        Assert.NotNull(node.Spec!.Taints!.Single(t => t.Key == NodeTaints.Unreachable && t.Effect == "NoExecute").TimeAdded);
        Assert.Contains(node.Spec.Taints!, t => t.Key == NodeTaints.Unreachable && t.Effect == "NoSchedule");
        Assert.DoesNotContain(node.Spec.Taints!, t => t.Key == NodeTaints.NotReady);
    }

    [Fact]
    public async Task Pods_of_an_unreachable_node_turn_unready_and_go_after_their_tolerationSeconds_until_the_node_is_back()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.CreateNodeAsync("n1");
        var brief = await cluster.CreatePodAsync("brief", "n1", new Toleration { Key = NodeTaints.Unreachable, Operator = "Exists", Effect = "NoExecute", TolerationSeconds = 30 });
        var patient = await cluster.CreatePodAsync("patient", "n1");
        Assert.Contains(patient.Spec!.Tolerations!, t => t.Key == NodeTaints.Unreachable && t.TolerationSeconds == 300);
        await Kubelet.MarkReadyAsync(cluster.Client, brief);
        await Kubelet.MarkReadyAsync(cluster.Client, patient);

        var node = await cluster.AdvanceUntilAsync(async () =>
        {
            var n = await cluster.Client.GetAsync<Node>(ResourcePath.For<Node>(name: "n1"), CancellationToken.None);
            return n?.Spec?.Taints?.Any(t => t.Key == NodeTaints.Unreachable && t.Effect == "NoExecute") == true ? n : null;
        }, "the unreachable taint");
        var tainted = node.Spec!.Taints!.Single(t => t.Key == NodeTaints.Unreachable && t.Effect == "NoExecute").TimeAdded!.Value;

        // MarkPodsNotReady: the node's pods are no longer ready.
        await Eventually.TrueAsync(async () => (await cluster.PodAsync("patient"))?.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "False") == true, "patient marked not ready");
        await Eventually.TrueAsync(() => cluster.HasEventAsync("patient", "NodeNotReady", "Node is not ready"), "the NodeNotReady event");
        Assert.Null((await cluster.PodAsync("brief"))?.Metadata?.DeletionTimestamp);

        cluster.Clock.Advance(tainted + TimeSpan.FromSeconds(31) - cluster.Clock.GetUtcNow());
        await Eventually.TrueAsync(async () => (await cluster.PodAsync("brief"))?.Metadata?.DeletionTimestamp is not null, "brief evicted after 30 s");
        var evicted = await cluster.PodAsync("brief");
        var target = evicted!.Status!.Conditions!.Single(c => c.Type == "DisruptionTarget");
        Assert.Equal(("True", "DeletionByTaintManager"), (target.Status, target.Reason));
        await Eventually.TrueAsync(() => cluster.HasEventAsync("brief", "TaintManagerEviction", $"Marking for deletion Pod {Ns}/brief"), "the eviction event");
        Assert.Null((await cluster.PodAsync("patient"))!.Metadata!.DeletionTimestamp);

        // The agent is back: a fresh heartbeat makes the node Ready and lifts the taints; the pending eviction is cancelled.
        await cluster.HeartbeatAsync("n1");
        await Eventually.TrueAsync(async () =>
        {
            var n = await cluster.Client.GetAsync<Node>(ResourcePath.For<Node>(name: "n1"), CancellationToken.None);
            return n?.Spec?.Taints is null or [];
        }, "the taints removed");
        await Eventually.TrueAsync(() => cluster.HasEventAsync("patient", "TaintManagerEviction", $"Cancelling deletion of Pod {Ns}/patient"), "the cancellation event");
        Assert.Null((await cluster.PodAsync("patient"))!.Metadata!.DeletionTimestamp);
    }

    [Fact]
    public async Task A_NoExecute_taint_that_a_pod_does_not_tolerate_evicts_it_at_once()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.CreateNodeAsync("n1");
        await cluster.CreatePodAsync("intolerant", "n1");
        await cluster.CreatePodAsync("tolerant", "n1", new Toleration { Key = "example.com/maintenance", Operator = "Exists", Effect = "NoExecute", TolerationSeconds = 20 });
        var now = cluster.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        await cluster.Client.PatchAsync<Node>(ResourcePath.For<Node>(name: "n1"), KubeClient.MergePatch,
            $$$"""{"spec":{"taints":[{"key":"example.com/maintenance","effect":"NoExecute","timeAdded":"{{{now}}}"}]}}""", CancellationToken.None);

        await Eventually.TrueAsync(async () => (await cluster.PodAsync("intolerant"))?.Metadata?.DeletionTimestamp is not null, "intolerant evicted");
        Assert.Null((await cluster.PodAsync("tolerant"))!.Metadata!.DeletionTimestamp);

        cluster.Clock.Advance(TimeSpan.FromSeconds(21));
        await Eventually.TrueAsync(async () => (await cluster.PodAsync("tolerant"))?.Metadata?.DeletionTimestamp is not null, "tolerant evicted after 20 s");
        var node = await cluster.Client.GetAsync<Node>(ResourcePath.For<Node>(name: "n1"), CancellationToken.None);
        Assert.Contains(node!.Spec!.Taints!, t => t.Key == "example.com/maintenance");
    }

    [Fact]
    public async Task A_pod_bound_to_a_node_that_does_not_exist_is_deleted()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.CreateNodeAsync("n1");
        await cluster.CreatePodAsync("kept", "n1");
        await cluster.CreatePodAsync("orphan", "gone-node");

        await Eventually.TrueAsync(async () => await cluster.PodAsync("orphan") is null, "the orphan deleted");
        Assert.Null((await cluster.PodAsync("kept"))!.Metadata!.DeletionTimestamp);
    }

    [Fact]
    public async Task Unschedulable_and_not_ready_nodes_get_their_NoSchedule_and_NoExecute_taints()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.CreateNodeAsync("n1", ready: "False");
        await cluster.Client.PatchAsync<Node>(ResourcePath.For<Node>(name: "n1"), KubeClient.MergePatch, """{"spec":{"unschedulable":true}}""", CancellationToken.None);

        await Eventually.TrueAsync(async () =>
        {
            var taints = (await cluster.Client.GetAsync<Node>(ResourcePath.For<Node>(name: "n1"), CancellationToken.None))?.Spec?.Taints ?? [];
            return taints.Any(t => t.Key == NodeTaints.NotReady && t.Effect == "NoExecute" && t.TimeAdded is not null)
                && taints.Any(t => t.Key == NodeTaints.NotReady && t.Effect == "NoSchedule")
                && taints.Any(t => t.Key == NodeTaints.Unschedulable && t.Effect == "NoSchedule");
        }, "not-ready and unschedulable taints");
    }

    /// <summary>An API server, the controller on a manual clock, and helpers that play the node agent.</summary>
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
            _events = new EventRecorder(api.Client, "node-controller", "test", Clock, NullLogger<EventRecorder>.Instance);
            var controller = new NodeLifecycleController(api.Client, informers, _events, Clock, ApiServer.Loggers);
            _run = Task.WhenAll(informers.RunAsync(_stop.Token), controller.RunAsync(_stop.Token));
        }

        public ManualTimeProvider Clock { get; } = new();

        public KubeClient Client => _api.Client;

        public static async Task<Cluster> StartAsync() => new(await ApiServer.StartAsync());

        public Task<Node> CreateNodeAsync(string name, string ready = "True") =>
            Client.CreateAsync(ResourcePath.For<Node>(), new Node
            {
                Metadata = new ObjectMeta { Name = name },
                Status = new NodeStatus { Conditions = [Condition("Ready", ready), Condition("MemoryPressure", "False"), Condition("DiskPressure", "False"), Condition("PIDPressure", "False")] },
            }, CancellationToken.None);

        public Task<Node> HeartbeatAsync(string name)
        {
            var at = DateTimeOffset.UtcNow.AddMinutes(5).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            var patch = $$$"""{"status":{"conditions":[{"type":"Ready","status":"True","reason":"KubeletReady","lastHeartbeatTime":"{{{at}}}","lastTransitionTime":"{{{at}}}"}]}}""";
            return Client.PatchAsync<Node>(ResourcePath.For<Node>(name: name, subresource: "status"), KubeClient.MergePatch, patch, CancellationToken.None);
        }

        public Task<Pod> CreatePodAsync(string name, string nodeName, params Toleration[] tolerations) =>
            Client.CreateAsync(ResourcePath.For<Pod>(Ns), new Pod
            {
                Metadata = new ObjectMeta { Name = name },
                Spec = new PodSpec { NodeName = nodeName, Containers = [new Container { Name = "app", Image = "busybox" }], Tolerations = tolerations.Length == 0 ? null : [.. tolerations] },
            }, CancellationToken.None);

        public Task<Pod?> PodAsync(string name) => Client.GetAsync<Pod>(ResourcePath.For<Pod>(Ns, name), CancellationToken.None);

        public async Task<bool> HasEventAsync(string pod, string reason, string message)
        {
            var events = await Client.ListAsync<Event>(ResourcePath.For<Event>(Ns), ListQuery.All, CancellationToken.None);
            return events.Items.Any(e => e.InvolvedObject?.Name == pod && e.Reason == reason && e.Message == message);
        }

        /// <summary>Moves the clock a second at a time until <paramref name="probe"/> holds (the controller runs meanwhile).</summary>
        public Task<T> AdvanceUntilAsync<T>(Func<Task<T?>> probe, string what)
            where T : class =>
            Eventually.UntilAsync(async () =>
            {
                Clock.Advance(TimeSpan.FromSeconds(1));
                return await probe();
            }, what, TimeSpan.FromSeconds(30));

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

        private static NodeCondition Condition(string type, string status) =>
            new() { Type = type, Status = status, LastHeartbeatTime = DateTimeOffset.UtcNow, LastTransitionTime = DateTimeOffset.UtcNow };
    }
}
