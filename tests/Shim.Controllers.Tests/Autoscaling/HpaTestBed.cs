using Shim.Client;
using Shim.Controllers.Autoscaling;
using Shim.Controllers.Runtime;
using Shim.Controllers.Tests.Support;
using Shim.Model;
using AppsDeployment = Shim.Model.Apps.V1.Deployment;
using Shim.Model.Autoscaling.V2;
using Shim.Model.Core.V1;
using Shim.Testing;

namespace Shim.Controllers.Tests.Autoscaling;

/// <summary>
/// A real API server with the HPA controller on a manual clock, a Deployment "web" (its /scale is what the HPA moves),
/// pods labelled app=web that a test marks ready (no deployment controller runs: the pods stay as created), and
/// CPU figures fed through <see cref="FakePodMetrics"/>.
/// </summary>
public sealed class HpaTestBed : IAsyncDisposable
{
    public const string Ns = "default";

    private readonly CancellationTokenSource _stop;
    private readonly Task _running;

    private HpaTestBed(ApiServer api, ManualTimeProvider clock, FakePodMetrics metrics, EventRecorder events, CancellationTokenSource stop, Task running)
    {
        _stop = stop;
        Api = api;
        Clock = clock;
        Metrics = metrics;
        Events = events;
        _running = running;
    }

    public ApiServer Api { get; }

    public KubeClient Client => Api.Client;

    public ManualTimeProvider Clock { get; }

    public FakePodMetrics Metrics { get; }

    private EventRecorder Events { get; }

    public static async Task<HpaTestBed> StartAsync(int replicas, string cpuRequest = "100m")
    {
        var api = await ApiServer.StartAsync();
        var clock = new ManualTimeProvider();
        var metrics = new FakePodMetrics(clock);
        var events = new EventRecorder(api.Client, "horizontal-pod-autoscaler", "test", TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<EventRecorder>.Instance);
        var deployment = ModelJson.Deserialize<AppsDeployment>($$$$"""
            {"metadata":{"name":"web"},"spec":{"replicas":{{{{replicas}}}},"selector":{"matchLabels":{"app":"web"}},
             "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"busybox",
               "resources":{"requests":{"cpu":"{{{{cpuRequest}}}}"} } }] } } } }
            """)!;
        await api.Client.CreateAsync(ResourcePath.For<AppsDeployment>(Ns), deployment, CancellationToken.None);
        for (var i = 0; i < replicas; i++)
        {
            await AddPodAsync(api.Client, clock, $"web-{i}", cpuRequest);
        }

        var informers = new SharedInformers(api.Client, ApiServer.Loggers);
        var controller = new HorizontalPodAutoscalerController(api.Client, informers, events, clock, ApiServer.Loggers, metrics);
        var stop = new CancellationTokenSource();
        var running = Task.WhenAll(informers.RunAsync(stop.Token), controller.RunAsync(stop.Token));
        return new HpaTestBed(api, clock, metrics, events, stop, running);
    }

    /// <summary>A running, ready pod of the deployment, started 10 minutes before the test clock (past CPU initialization).</summary>
    public static async Task AddPodAsync(KubeClient client, TimeProvider clock, string name, string? cpuRequest)
    {
        var resources = cpuRequest is null ? "{}" : $$$"""{"requests":{"cpu":"{{{cpuRequest}}}"}}""";
        var pod = ModelJson.Deserialize<Pod>($$$"""
            {"metadata":{"name":"{{{name}}}","labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"busybox","resources":{{{resources}}}}]}}
            """)!;
        pod = await client.CreateAsync(ResourcePath.For<Pod>(Ns), pod, CancellationToken.None);
        await Kubelet.MarkReadyAsync(client, pod, since: clock.GetUtcNow().AddMinutes(-10));
    }

    public Task CreateHpaAsync(int minReplicas, int maxReplicas, int cpuUtilization, string? behavior = null)
    {
        var behaviorJson = behavior is null ? "" : $",\"behavior\":{behavior}";
        var hpa = ModelJson.Deserialize<HorizontalPodAutoscaler>($$$"""
            {"metadata":{"name":"web"},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},
             "minReplicas":{{{minReplicas}}},"maxReplicas":{{{maxReplicas}}},
             "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":{{{cpuUtilization}}} } } }]{{{behaviorJson}}} } }
            """)!;
        return Client.CreateAsync(ResourcePath.For<HorizontalPodAutoscaler>(Ns), hpa, CancellationToken.None);
    }

    public async Task<HorizontalPodAutoscaler> HpaAsync() =>
        (await Client.GetAsync<HorizontalPodAutoscaler>(ResourcePath.For<HorizontalPodAutoscaler>(Ns, "web"), CancellationToken.None))!;

    public async Task<int> DeploymentReplicasAsync() =>
        (await Client.GetAsync<AppsDeployment>(ResourcePath.For<AppsDeployment>(Ns, "web"), CancellationToken.None))!.Spec!.Replicas ?? 0;

    /// <summary>Moves the clock in <paramref name="step"/>s (each move lets due syncs run) until the HPA's status satisfies <paramref name="done"/>.</summary>
    public Task<HorizontalPodAutoscaler> StepUntilAsync(Func<HorizontalPodAutoscaler, bool> done, string what, TimeSpan step) =>
        Eventually.UntilAsync(async () =>
        {
            var hpa = await HpaAsync();
            if (done(hpa))
            {
                return hpa;
            }

            Clock.Advance(step);
            return null;
        }, what, TimeSpan.FromSeconds(60), () => ModelJson.Serialize(HpaAsync().GetAwaiter().GetResult().Status));

    public Task<HorizontalPodAutoscaler> UntilAsync(Func<HorizontalPodAutoscaler, bool> done, string what) =>
        Eventually.UntilAsync(async () => await HpaAsync() is { } hpa && done(hpa) ? hpa : null, what,
            describe: () => ModelJson.Serialize(HpaAsync().GetAwaiter().GetResult().Status));

    public async Task<List<Event>> EventsAsync() =>
        (await Client.ListAsync<Event>(ResourcePath.For<Event>(Ns), ListQuery.All, CancellationToken.None)).Items
            .Where(e => e.InvolvedObject?.Kind == "HorizontalPodAutoscaler").ToList();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        await Events.DisposeAsync();
        await Api.DisposeAsync();
        _stop.Dispose();
    }
}
