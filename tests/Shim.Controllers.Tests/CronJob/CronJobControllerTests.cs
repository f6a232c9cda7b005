using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Shim.Client;
using Shim.Controllers.Runtime;
using Shim.Controllers.Tests.Support;
using Shim.Model.Batch.V1;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;
using Shim.Testing;
using BatchJob = Shim.Model.Batch.V1.Job;
using CronJobController = Shim.Controllers.CronJob.CronJobController;
using CronJobKind = Shim.Model.Batch.V1.CronJob;

namespace Shim.Controllers.Tests.CronJob;

public sealed class CronJobControllerTests : IAsyncLifetime
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ManualTimeProvider _clock = new();
    private ApiServer _api = null!;
    private EventRecorder _events = null!;
    private Task _running = Task.CompletedTask;

    private KubeClient Client => _api.Client;

    public async Task InitializeAsync()
    {
        _api = await ApiServer.StartAsync();
        _events = new EventRecorder(_api.Client, "cronjob-controller", "test", TimeProvider.System, NullLogger<EventRecorder>.Instance);
        var informers = new SharedInformers(_api.Client, ApiServer.Loggers);
        var controller = new CronJobController(_api.Client, informers, _events, _clock, ApiServer.Loggers);
        _running = Task.WhenAll(informers.RunAsync(_stop.Token), controller.RunAsync(_stop.Token));
    }

    public async Task DisposeAsync()
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
        await _api.DisposeAsync();
        _stop.Dispose();
    }

    [Fact]
    public async Task A_cronjob_creates_its_job_at_the_scheduled_minute_named_after_it()
    {
        var cronJob = await CreateAsync("tick", "* * * * *");
        var created = cronJob.Metadata!.CreationTimestamp!.Value;
        var scheduled = new DateTimeOffset(created.Year, created.Month, created.Day, created.Hour, created.Minute, 0, TimeSpan.Zero).AddMinutes(1);
        SetClock(created);

        // Move the clock up to the scheduled minute only: a slow controller must not see the next minute too.
        var job = await Eventually.UntilAsync(async () =>
        {
            AdvanceJustPast(scheduled);

            return (await JobsAsync()).FirstOrDefault();
        }, "the first job");

        Assert.True(_clock.GetUtcNow() >= scheduled);
        Assert.Equal($"tick-{scheduled.ToUnixTimeSeconds() / 60}", job.Metadata!.Name);
        Assert.Equal(scheduled.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), job.Metadata.Annotations!["batch.kubernetes.io/cronjob-scheduled-timestamp"]);
        Assert.Equal("tick", job.Metadata.Labels!["team"]);
        Assert.Equal(cronJob.Metadata.Uid, job.Metadata.OwnerReferences!.Single(r => r.Controller == true).Uid);
        Assert.Single(await JobsAsync());

        var status = await Eventually.UntilAsync(async () => (await GetAsync("tick")).Status is { Active.Count: 1 } s ? s : null, "the active job in status");
        Assert.Equal(job.Metadata.Uid, status.Active!.Single().Uid);
        Assert.Equal(scheduled, status.LastScheduleTime);
        await Eventually.TrueAsync(async () => (await EventsAsync("tick")).Any(e => e.Reason == "SuccessfulCreate" && e.Message == $"Created job {job.Metadata.Name}"), "the SuccessfulCreate event");
    }

    [Fact]
    public async Task Forbid_skips_a_run_while_the_previous_job_is_active()
    {
        var cronJob = await CreateAsync("single", "* * * * *", spec => spec.ConcurrencyPolicy = "Forbid");
        SetClock(cronJob.Metadata!.CreationTimestamp!.Value);
        var first = await Eventually.UntilAsync(async () =>
        {
            _clock.Advance(TimeSpan.FromSeconds(5));
            return (await JobsAsync()).FirstOrDefault();
        }, "the first job");

        await Eventually.TrueAsync(async () =>
        {
            _clock.Advance(TimeSpan.FromSeconds(20));
            return (await EventsAsync("single")).Any(e => e.Reason == "JobAlreadyActive");
        }, "the next run to be skipped");
        Assert.Single(await JobsAsync());

        await CompleteAsync(first, DateTimeOffset.UtcNow);
        await Eventually.TrueAsync(async () => (await EventsAsync("single")).Any(e => e.Reason == "SawCompletedJob"), "the completed job to be seen");
        await Eventually.TrueAsync(async () =>
        {
            _clock.Advance(TimeSpan.FromSeconds(20));
            return (await JobsAsync()).Count == 2;
        }, "a new job once the previous one finished");
    }

    [Fact]
    public async Task Replace_deletes_the_running_job_and_starts_the_next()
    {
        var cronJob = await CreateAsync("fresh", "* * * * *", spec => spec.ConcurrencyPolicy = "Replace");
        SetClock(cronJob.Metadata!.CreationTimestamp!.Value);
        var first = await Eventually.UntilAsync(async () =>
        {
            _clock.Advance(TimeSpan.FromSeconds(5));
            return (await JobsAsync()).FirstOrDefault();
        }, "the first job");

        // Up to the next scheduled minute only, so a slow controller cannot replace the replacement as well.
        var secondRun = ScheduledAt(first).AddMinutes(1);
        var second = await Eventually.UntilAsync(async () =>
        {
            AdvanceJustPast(secondRun);

            return (await JobsAsync()).FirstOrDefault(j => j.Metadata!.Name != first.Metadata!.Name);
        }, "the replacing job");

        await Eventually.TrueAsync(async () => (await JobsAsync()).All(j => j.Metadata!.Name != first.Metadata!.Name), "the first job to be deleted");
        var status = await Eventually.UntilAsync(async () => (await GetAsync("fresh")).Status is { Active.Count: 1 } s && s.Active[0].Uid == second.Metadata!.Uid ? s : null, "only the new job to be active");
        Assert.Equal(second.Metadata!.Name, status.Active!.Single().Name);
        await Eventually.TrueAsync(async () => (await EventsAsync("fresh")).Any(e => e.Reason == "SuccessfulDelete" && e.Message == $"Deleted job {first.Metadata!.Name}"), "the SuccessfulDelete event");
    }

    [Fact]
    public async Task Finished_jobs_beyond_the_history_limits_are_deleted_oldest_first()
    {
        var cronJob = await CreateAsync("history", "0 0 1 1 *", spec =>
        {
            spec.SuccessfulJobsHistoryLimit = 2;
            spec.FailedJobsHistoryLimit = 1;
        });
        var start = DateTimeOffset.UtcNow.AddHours(-5);
        for (var i = 0; i < 3; i++)
        {
            await CompleteAsync(await CreateOwnedJobAsync(cronJob, $"history-ok-{i}"), start.AddHours(i));
        }

        for (var i = 0; i < 2; i++)
        {
            await FailAsync(await CreateOwnedJobAsync(cronJob, $"history-failed-{i}"), start.AddHours(i));
        }

        await Eventually.TrueAsync(async () => (await JobsAsync()).Count == 3, "the oldest finished jobs to be deleted");
        Assert.Equal(["history-failed-1", "history-ok-1", "history-ok-2"], (await JobsAsync()).Select(j => j.Metadata!.Name!).Order(StringComparer.Ordinal));
        var newest = start.AddHours(2).AddMinutes(1).ToUnixTimeSeconds();
        await Eventually.TrueAsync(async () => (await GetAsync("history")).Status?.LastSuccessfulTime?.ToUnixTimeSeconds() == newest, "lastSuccessfulTime to be the newest completion");
    }

    /// <summary>
    /// Moves the clock in 5 s steps until just past <paramref name="scheduled"/>: the controller wakes 100 ms after a
    /// scheduled minute (as upstream), and a step landing on the minute itself would leave it asleep.
    /// </summary>
    private void AdvanceJustPast(DateTimeOffset scheduled)
    {
        if (_clock.GetUtcNow() < scheduled + TimeSpan.FromSeconds(1))
        {
            _clock.Advance(TimeSpan.FromSeconds(5));
        }
    }

    private void SetClock(DateTimeOffset to)
    {
        if (to > _clock.GetUtcNow())
        {
            _clock.Advance(to - _clock.GetUtcNow());
        }
    }

    private async Task<CronJobKind> CreateAsync(string name, string schedule, Action<CronJobSpec>? configure = null)
    {
        var spec = new CronJobSpec
        {
            Schedule = schedule,
            JobTemplate = new JobTemplateSpec
            {
                Metadata = new ObjectMeta { Labels = new() { ["team"] = name } },
                Spec = new JobSpec { Template = PodTemplate() },
            },
        };
        configure?.Invoke(spec);
        return await Client.CreateAsync(ResourcePath.For<CronJobKind>("default"), new CronJobKind { Metadata = new ObjectMeta { Name = name }, Spec = spec }, CancellationToken.None);
    }

    private static PodTemplateSpec PodTemplate() => new()
    {
        Spec = new PodSpec { RestartPolicy = "Never", Containers = [new Container { Name = "app", Image = "busybox" }] },
    };

    private Task<BatchJob> CreateOwnedJobAsync(CronJobKind owner, string name) =>
        Client.CreateAsync(ResourcePath.For<BatchJob>("default"), new BatchJob
        {
            Metadata = new ObjectMeta { Name = name, OwnerReferences = [OwnerReferences.ControllerReference(owner)] },
            Spec = new JobSpec { Template = PodTemplate() },
        }, CancellationToken.None);

    private Task CompleteAsync(BatchJob job, DateTimeOffset started) =>
        PatchStatusAsync(job, $$$"""
            {"status":{"startTime":"{{{Time(started)}}}","completionTime":"{{{Time(started.AddMinutes(1))}}}","succeeded":1,
              "conditions":[{"type":"SuccessCriteriaMet","status":"True"},{"type":"Complete","status":"True"}]}}
            """);

    private Task FailAsync(BatchJob job, DateTimeOffset started) =>
        PatchStatusAsync(job, $$$"""
            {"status":{"startTime":"{{{Time(started)}}}","failed":1,
              "conditions":[{"type":"FailureTarget","status":"True","reason":"BackoffLimitExceeded"},{"type":"Failed","status":"True","reason":"BackoffLimitExceeded"}]}}
            """);

    private Task PatchStatusAsync(BatchJob job, string patch) =>
        Client.PatchAsync<BatchJob>(ResourcePath.For<BatchJob>("default", job.Metadata!.Name, "status"), KubeClient.MergePatch, patch, CancellationToken.None);

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset ScheduledAt(BatchJob job) =>
        DateTimeOffset.Parse(job.Metadata!.Annotations!["batch.kubernetes.io/cronjob-scheduled-timestamp"], CultureInfo.InvariantCulture);

    private async Task<CronJobKind> GetAsync(string name) =>
        (await Client.GetAsync<CronJobKind>(ResourcePath.For<CronJobKind>("default", name), CancellationToken.None))!;

    private async Task<List<BatchJob>> JobsAsync() =>
        (await Client.ListAsync<BatchJob>(ResourcePath.For<BatchJob>("default"), ListQuery.All, CancellationToken.None)).Items.ToList();

    private async Task<List<Event>> EventsAsync(string name) =>
        (await Client.ListAsync<Event>(ResourcePath.For<Event>("default"), new ListQuery(FieldSelector: $"involvedObject.name={name}"), CancellationToken.None)).Items.ToList();
}
