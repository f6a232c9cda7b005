using Microsoft.Extensions.Logging.Abstractions;
using Shim.Client;
using Shim.Controllers.Runtime;
using Shim.Controllers.Tests.Support;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;
using Shim.Testing;
using BatchJob = Shim.Model.Batch.V1.Job;
using JobController = Shim.Controllers.Job.JobController;

namespace Shim.Controllers.Tests.Job;

/// <summary>A real API server with the Job controller running on a hand-moved clock.</summary>
internal sealed class JobHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly EventRecorder _events;
    private Task _running = Task.CompletedTask;

    private JobHarness(ApiServer api, EventRecorder events)
    {
        Api = api;
        _events = events;
    }

    public ApiServer Api { get; }

    public KubeClient Client => Api.Client;

    /// <summary>Starts at the real time, so times the API server stamps and the controller's clock agree.</summary>
    public ManualTimeProvider Clock { get; } = new();

    public static async Task<JobHarness> StartAsync()
    {
        var api = await ApiServer.StartAsync();
        var events = new EventRecorder(api.Client, "job-controller", "test", TimeProvider.System, NullLogger<EventRecorder>.Instance);
        var harness = new JobHarness(api, events);
        harness.Clock.Advance(DateTimeOffset.UtcNow - harness.Clock.GetUtcNow());
        var informers = new SharedInformers(api.Client, ApiServer.Loggers);
        var controller = new JobController(api.Client, informers, events, harness.Clock, ApiServer.Loggers);
        harness._running = Task.WhenAll(informers.RunAsync(harness._stop.Token), controller.RunAsync(harness._stop.Token));
        return harness;
    }

    public static BatchJob NewJob(string name, int? completions = 1, int? parallelism = 1, Action<Shim.Model.Batch.V1.JobSpec>? configure = null)
    {
        var job = new BatchJob
        {
            Metadata = new ObjectMeta { Name = name },
            Spec = new Shim.Model.Batch.V1.JobSpec
            {
                Completions = completions,
                Parallelism = parallelism,
                Template = new PodTemplateSpec
                {
                    Metadata = new ObjectMeta { Labels = new() { ["app"] = name } },
                    Spec = new PodSpec { RestartPolicy = "Never", Containers = [new Container { Name = "app", Image = "busybox" }] },
                },
            },
        };
        configure?.Invoke(job.Spec);
        return job;
    }

    public Task<BatchJob> CreateAsync(BatchJob job) => Client.CreateAsync(ResourcePath.For<BatchJob>("default"), job, CancellationToken.None);

    public Task<BatchJob?> GetAsync(string name) => Client.GetAsync<BatchJob>(ResourcePath.For<BatchJob>("default", name), CancellationToken.None);

    public async Task<List<Pod>> PodsAsync(string job) =>
        (await Client.ListAsync<Pod>(ResourcePath.For<Pod>("default"), new ListQuery($"batch.kubernetes.io/job-name={job}"), CancellationToken.None)).Items.ToList();

    /// <summary>Pods still running: not finished and not being deleted.</summary>
    public async Task<List<Pod>> ActivePodsAsync(string job) =>
        (await PodsAsync(job)).Where(p => p.Status?.Phase is not ("Succeeded" or "Failed") && p.Metadata?.DeletionTimestamp is null).ToList();

    public async Task<List<Event>> EventsAsync(string name) =>
        (await Client.ListAsync<Event>(ResourcePath.For<Event>("default"), new ListQuery(FieldSelector: $"involvedObject.name={name}"), CancellationToken.None)).Items.ToList();

    public async Task<BatchJob> UntilAsync(string name, Func<BatchJob, bool> condition, string what, Func<Task>? meanwhile = null) =>
        await Eventually.UntilAsync(async () =>
        {
            if (meanwhile is not null)
            {
                await meanwhile();
            }

            return await GetAsync(name) is { } job && condition(job) ? job : null;
        }, what);

    public static bool HasCondition(BatchJob job, string type, string? reason = null) =>
        job.Status?.Conditions?.Any(c => c.Type == type && c.Status == "True" && (reason is null || c.Reason == reason)) == true;

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

        await _events.DisposeAsync();
        await Api.DisposeAsync();
        _stop.Dispose();
    }
}
