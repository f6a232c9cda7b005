using Microsoft.Extensions.Logging.Abstractions;
using Shim.Client;
using Shim.Controllers.Runtime;
using Shim.Controllers.Tests.Support;
using Shim.Model.Core.V1;

namespace Shim.Controllers.Tests.StatefulSet;

/// <summary>
/// A real API server with one workload controller running over shared informers, an event recorder, and optionally a
/// stand-in kubelet that reports every live pod Running and Ready shortly after it appears (no scheduler, no agent).
/// </summary>
internal sealed class WorkloadHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running = [];
    private ApiServer? _api;
    private EventRecorder? _events;

    public KubeClient Client => _api!.Client;

    /// <summary>When true the stand-in kubelet marks new pods ready.</summary>
    public bool AutoReady { get; set; }

    public static async Task<WorkloadHarness> StartAsync(Func<KubeClient, SharedInformers, EventRecorder, Func<CancellationToken, Task>> controller)
    {
        var harness = new WorkloadHarness { _api = await ApiServer.StartAsync() };
        harness._events = new EventRecorder(harness.Client, "test-controller", "test", TimeProvider.System, NullLogger<EventRecorder>.Instance);
        var informers = new SharedInformers(harness.Client, ApiServer.Loggers);
        var run = controller(harness.Client, informers, harness._events);
        harness._running.Add(informers.RunAsync(harness._stop.Token));
        harness._running.Add(run(harness._stop.Token));
        harness._running.Add(harness.KubeletAsync(harness._stop.Token));
        return harness;
    }

    public async Task<List<Pod>> PodsAsync() =>
        [.. (await Client.ListAsync<Pod>(ResourcePath.For<Pod>("default"), ListQuery.All, CancellationToken.None)).Items];

    public async Task<Pod?> PodAsync(string name) => await Client.GetAsync<Pod>(ResourcePath.For<Pod>("default", name), CancellationToken.None);

    public async Task<List<Event>> EventsAsync() =>
        [.. (await Client.ListAsync<Event>(ResourcePath.For<Event>("default"), ListQuery.All, CancellationToken.None)).Items];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_running);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        await _events!.DisposeAsync();
        await _api!.DisposeAsync();
        _stop.Dispose();
    }

    private async Task KubeletAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(100, cancellationToken);
                if (!AutoReady)
                {
                    continue;
                }

                foreach (var pod in await PodsAsync())
                {
                    if (pod.Metadata?.DeletionTimestamp is null && pod.Status?.Phase is null or "Pending")
                    {
                        await Kubelet.MarkReadyAsync(Client, pod);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ApiError)
            {
                // The pod went away meanwhile; the next round sees the new state.
            }
        }
    }
}
