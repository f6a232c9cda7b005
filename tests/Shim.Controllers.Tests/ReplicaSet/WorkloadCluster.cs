using Microsoft.Extensions.Logging.Abstractions;
using Shim.Client;
using Shim.Controllers.Deployments;
using Shim.Controllers.ReplicaSets;
using Shim.Controllers.Runtime;
using Shim.Controllers.Tests.Support;
using Shim.Model.Apps.V1;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;

namespace Shim.Controllers.Tests.ReplicaSets;

/// <summary>A real API server with the ReplicaSet (and optionally Deployment) controller running against it.</summary>
public sealed class WorkloadCluster : IAsyncDisposable
{
    public const string Namespace = "default";

    private readonly ApiServer _api;
    private readonly EventRecorder _events;
    private readonly CancellationTokenSource _stop;
    private readonly Task _running;

    private WorkloadCluster(ApiServer api, EventRecorder events, CancellationTokenSource stop, Task running)
    {
        _api = api;
        _events = events;
        _stop = stop;
        _running = running;
    }

    public KubeClient Client => _api.Client;

    public static async Task<WorkloadCluster> StartAsync(bool deployments = false, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var api = await ApiServer.StartAsync();
        var informers = new SharedInformers(api.Client, ApiServer.Loggers);
        var events = new EventRecorder(api.Client, "kube-controller-manager", "test", time, NullLogger<EventRecorder>.Instance);
        var replicaSets = new ReplicaSetController(api.Client, informers, events, time, ApiServer.Loggers);
        var deploymentController = deployments ? new DeploymentController(api.Client, informers, events, time, ApiServer.Loggers) : null;
        var stop = new CancellationTokenSource();
        var running = Task.WhenAll(informers.RunAsync(stop.Token), replicaSets.RunAsync(stop.Token), deploymentController?.RunAsync(stop.Token) ?? Task.CompletedTask);
        return new WorkloadCluster(api, events, stop, running);
    }

    public static PodTemplateSpec Template(string app, string image = "busybox:1", Dictionary<string, string>? annotations = null) => new()
    {
        Metadata = new ObjectMeta { Labels = new() { ["app"] = app }, Annotations = annotations },
        Spec = new PodSpec { Containers = [new Container { Name = "app", Image = image }] },
    };

    public async Task<List<Pod>> PodsAsync(string app)
    {
        var list = await Client.ListAsync<Pod>(ResourcePath.For<Pod>(Namespace), new ListQuery("app=" + app), CancellationToken.None);
        return [.. list.Items];
    }

    public async Task<List<Shim.Model.Apps.V1.ReplicaSet>> ReplicaSetsAsync()
    {
        var list = await Client.ListAsync<Shim.Model.Apps.V1.ReplicaSet>(ResourcePath.For<Shim.Model.Apps.V1.ReplicaSet>(Namespace), ListQuery.All, CancellationToken.None);
        return [.. list.Items.OrderBy(rs => rs.Metadata!.CreationTimestamp).ThenBy(rs => rs.Metadata!.Name, StringComparer.Ordinal)];
    }

    public Task<Shim.Model.Apps.V1.ReplicaSet?> ReplicaSetAsync(string name) =>
        Client.GetAsync<Shim.Model.Apps.V1.ReplicaSet>(ResourcePath.For<Shim.Model.Apps.V1.ReplicaSet>(Namespace, name), CancellationToken.None);

    public Task<Shim.Model.Apps.V1.Deployment?> DeploymentAsync(string name) =>
        Client.GetAsync<Shim.Model.Apps.V1.Deployment>(ResourcePath.For<Shim.Model.Apps.V1.Deployment>(Namespace, name), CancellationToken.None);

    public async Task<List<Event>> EventsAsync(string involvedName)
    {
        var list = await Client.ListAsync<Event>(ResourcePath.For<Event>(Namespace), ListQuery.All, CancellationToken.None);
        return [.. list.Items.Where(e => e.InvolvedObject?.Name == involvedName)];
    }

    /// <summary>Plays the kubelet: every pod of the app that is not ready yet becomes ready.</summary>
    public async Task MarkReadyAsync(string app, DateTimeOffset? since = null)
    {
        foreach (var pod in await PodsAsync(app))
        {
            if (pod.Metadata!.DeletionTimestamp is null && pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") != true)
            {
                try
                {
                    await Kubelet.MarkReadyAsync(Client, pod, since: since);
                }
                catch (ApiError e) when (e.IsNotFound)
                {
                    // Deleted meanwhile by its controller.
                }
            }
        }
    }

    public static bool IsReady(Pod pod) => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
            // Stopped before the informers synced.
        }

        await _events.DisposeAsync();
        await _api.DisposeAsync();
        _stop.Dispose();
    }
}
