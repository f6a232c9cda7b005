using System.Globalization;
using Microsoft.Extensions.Logging;
using Shim.Client;
using Shim.Controllers.Runtime;
using Shim.Model;
using Shim.Model.Batch.V1;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;
using BatchJob = Shim.Model.Batch.V1.Job;
using CronJobKind = Shim.Model.Batch.V1.CronJob;

namespace Shim.Controllers.CronJob;

/// <summary>
/// Creates a Job for each scheduled time of a CronJob, as upstream's cronjob controller (v2): the Job is named
/// <c>&lt;cronjob&gt;-&lt;scheduled time in unix minutes&gt;</c> so a time is never run twice, concurrencyPolicy decides
/// what happens while an earlier Job is still active, startingDeadlineSeconds drops starts that are too late, finished
/// Jobs beyond the history limits are deleted oldest first, and the key is requeued for the next scheduled time on
/// the injected clock.
/// </summary>
public sealed partial class CronJobController
{
    private const string ScheduledTimestampAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp";

    // Upstream requeues slightly after the scheduled time so the sync surely sees it as due.
    private static readonly TimeSpan NextScheduleDelta = TimeSpan.FromMilliseconds(100);

    private readonly KubeClient _client;
    private readonly Informer<CronJobKind> _cronJobs;
    private readonly Informer<BatchJob> _jobs;
    private readonly EventRecorder _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly WorkQueue _queue;
    private readonly ControllerLoop _loop;
    private CancellationToken _stopping;

    public CronJobController(KubeClient client, SharedInformers informers, EventRecorder events, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(informers);
        ArgumentNullException.ThrowIfNull(loggers);
        _client = client;
        _events = events;
        _time = time;
        _logger = loggers.CreateLogger<CronJobController>();

        // Failed syncs back off in real time; scheduled times are waited for on the injected clock.
        _queue = new WorkQueue(TimeProvider.System, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        _cronJobs = informers.Get<CronJobKind>();
        _jobs = informers.Get<BatchJob>();
        _loop = new ControllerLoop("cronjob", _queue, SyncAsync, _logger);

        _cronJobs.OnAdd(c => _queue.Add(Informer<CronJobKind>.KeyOf(c)));
        _cronJobs.OnUpdate((_, c) => _queue.Add(Informer<CronJobKind>.KeyOf(c)));
        _jobs.OnChange(EnqueueOwner);
    }

    public Task RunAsync(CancellationToken cancellationToken)
    {
        _stopping = cancellationToken;
        return _loop.RunAsync([_cronJobs.Synced, _jobs.Synced], cancellationToken);
    }

    private void EnqueueOwner(BatchJob job)
    {
        if (OwnerReferences.ControllerOf(job.Metadata) is { Kind: "CronJob" } owner &&
            _cronJobs.Get(job.Metadata?.Namespace, owner.Name ?? "") is { } cronJob && cronJob.Metadata?.Uid == owner.Uid)
        {
            _queue.Add(Informer<CronJobKind>.KeyOf(cronJob));
        }
    }

    private async Task SyncAsync(string key, CancellationToken cancellationToken)
    {
        if (_cronJobs.Get(key) is not { } cached)
        {
            return;
        }

        var cronJob = Clone(cached);
        var jobs = _jobs.List().Where(j => j.Metadata?.Namespace == cronJob.Metadata!.Namespace && OwnerReferences.IsControlledBy(j.Metadata, cronJob.Metadata)).ToList();
        var (cronJobAfter, requeueAfter, updateStatus) = await ReconcileAsync(cronJob, jobs, cancellationToken).ConfigureAwait(false);
        cronJob = cronJobAfter;
        updateStatus |= await CleanupFinishedJobsAsync(cronJob, jobs, cancellationToken).ConfigureAwait(false);
        if (updateStatus)
        {
            var path = ResourcePath.For<CronJobKind>(cronJob.Metadata!.Namespace, cronJob.Metadata.Name, "status");
            await _client.ReplaceAsync(path, cronJob, cancellationToken).ConfigureAwait(false);
        }

        if (requeueAfter is { } delay)
        {
            RequeueAfter(key, delay);
        }
    }

    private async Task<(CronJobKind CronJob, TimeSpan? RequeueAfter, bool UpdateStatus)> ReconcileAsync(CronJobKind cronJob, List<BatchJob> jobs, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var update = false;
        var children = new HashSet<string>(StringComparer.Ordinal);
        foreach (var job in jobs)
        {
            var uid = job.Metadata!.Uid!;
            children.Add(uid);
            var finished = FinishedType(job);
            var listed = InActive(cronJob, uid);
            if (!listed && finished is null)
            {
                // Our cached status may be behind our own write: look at the stored CronJob before complaining.
                var fresh = await _client.GetAsync<CronJobKind>(ResourcePath.For<CronJobKind>(cronJob.Metadata!.Namespace, cronJob.Metadata.Name), cancellationToken).ConfigureAwait(false);
                if (fresh is not null && InActive(fresh, uid))
                {
                    cronJob = fresh;
                    continue;
                }

                Record(cronJob, "Warning", "UnexpectedJob", $"Saw a job that the controller did not create or forgot: {job.Metadata.Name}");
            }
            else if (listed && finished is not null)
            {
                RemoveFromActive(cronJob, uid);
                Record(cronJob, "Normal", "SawCompletedJob", $"Saw completed job: {job.Metadata.Name}, status: {finished}");
                update = true;
            }
            else if (finished == "Complete" && job.Status?.CompletionTime is { } completed)
            {
                var status = cronJob.Status ??= new CronJobStatus();
                if (status.LastSuccessfulTime is null || completed > status.LastSuccessfulTime)
                {
                    status.LastSuccessfulTime = completed;
                    update = true;
                }
            }
        }

        // An active reference whose Job is gone would block a Forbid CronJob forever.
        foreach (var reference in (cronJob.Status?.Active ?? []).Where(r => !children.Contains(r.Uid ?? "")).ToList())
        {
            var existing = await _client.GetAsync<BatchJob>(ResourcePath.For<BatchJob>(reference.Namespace, reference.Name), cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                Record(cronJob, "Normal", "MissingJob", $"Active job went missing: {reference.Name}");
                RemoveFromActive(cronJob, reference.Uid ?? "");
                update = true;
            }
        }

        var spec = cronJob.Spec ?? new CronJobSpec();
        if (cronJob.Metadata?.DeletionTimestamp is not null)
        {
            return (cronJob, null, update);
        }

        var zone = TimeZoneInfo.Utc;
        if (spec.TimeZone is { } zoneName && !TryFindZone(zoneName, out zone))
        {
            Record(cronJob, "Warning", "UnknownTimeZone", $"invalid timeZone: \"{zoneName}\": unknown time zone {zoneName}");
            return (cronJob, null, update);
        }

        if (spec.Suspend == true)
        {
            return (cronJob, null, update);
        }

        if (!CronSchedule.TryParse(spec.Schedule, out var schedule, out var parseError))
        {
            Record(cronJob, "Warning", "UnparseableSchedule", $"unparseable schedule: \"{spec.Schedule}\" : {parseError}");
            return (cronJob, null, update);
        }

        var recent = MostRecentScheduleTime(cronJob, now, schedule!, zone, includeStartingDeadline: true);
        if (recent.Error is { } invalid)
        {
            Record(cronJob, "Warning", "InvalidSchedule", $"invalid schedule: {spec.Schedule} : {invalid}");
            return (cronJob, null, update);
        }

        if (recent.Missed > 100)
        {
            Record(cronJob, "Warning", "TooManyMissedTimes", $"too many missed start times: {recent.Missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew");
        }

        var next = NextScheduleDelay(cronJob, now, schedule!, zone);
        if (recent.MostRecent is not { } scheduled)
        {
            return (cronJob, next, update);
        }

        if (spec.StartingDeadlineSeconds is { } deadline && scheduled + TimeSpan.FromSeconds(deadline) < now)
        {
            Record(cronJob, "Warning", "MissSchedule", "Missed scheduled time to start a job: " + scheduled.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture));
            return (cronJob, next, update);
        }

        var name = JobName(cronJob, scheduled);
        if ((cronJob.Status?.Active ?? []).Any(r => r.Name == name) || cronJob.Status?.LastScheduleTime == scheduled)
        {
            return (cronJob, next, update);
        }

        if (spec.ConcurrencyPolicy == "Forbid" && cronJob.Status?.Active is { Count: > 0 })
        {
            Record(cronJob, "Normal", "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid");
            return (cronJob, next, update);
        }

        if (spec.ConcurrencyPolicy == "Replace")
        {
            foreach (var reference in (cronJob.Status?.Active ?? []).ToList())
            {
                var running = await _client.GetAsync<BatchJob>(ResourcePath.For<BatchJob>(reference.Namespace, reference.Name), cancellationToken).ConfigureAwait(false);
                if (running is not null)
                {
                    await DeleteJobAsync(cronJob, running, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    RemoveFromActive(cronJob, reference.Uid ?? "");
                }

                update = true;
            }
        }

        BatchJob created;
        try
        {
            created = await _client.CreateAsync(ResourcePath.For<BatchJob>(cronJob.Metadata!.Namespace), NewJob(cronJob, name, scheduled, zone), cancellationToken).ConfigureAwait(false);
            Record(cronJob, "Normal", "SuccessfulCreate", $"Created job {created.Metadata?.Name}");
            LogCreated(_logger, cronJob.Metadata.Namespace ?? "", name, scheduled);
        }
        catch (ApiError e) when (e.Code == 409)
        {
            // Created earlier but the status write was lost: take it into the active list again if it is ours.
            var existing = await _client.GetAsync<BatchJob>(ResourcePath.For<BatchJob>(cronJob.Metadata!.Namespace, name), cancellationToken).ConfigureAwait(false);
            if (existing is null || !OwnerReferences.IsControlledBy(existing.Metadata, cronJob.Metadata) || InActive(cronJob, existing.Metadata!.Uid!))
            {
                return (cronJob, null, update);
            }

            created = existing;
        }
        catch (ApiError e)
        {
            Record(cronJob, "Warning", "FailedCreate", $"Error creating job: {e.Message}");
            throw;
        }

        var statusAfter = cronJob.Status ??= new CronJobStatus();
        (statusAfter.Active ??= []).Add(new ObjectReference
        {
            ApiVersion = BatchJob.GroupVersionKind.ApiVersion,
            Kind = BatchJob.GroupVersionKind.Kind,
            Namespace = created.Metadata!.Namespace,
            Name = created.Metadata.Name,
            Uid = created.Metadata.Uid,
            ResourceVersion = created.Metadata.ResourceVersion,
        });
        statusAfter.LastScheduleTime = scheduled;
        return (cronJob, NextScheduleDelay(cronJob, now, schedule!, zone), true);
    }

    /// <summary>
    /// The latest scheduled time not after <paramref name="now"/> since the last one run (or creation), as upstream's
    /// mostRecentScheduleTime, with a rough count of the times missed in between.
    /// </summary>
    internal static (DateTimeOffset Earliest, DateTimeOffset? MostRecent, long Missed, string? Error) MostRecentScheduleTime(
        CronJobKind cronJob, DateTimeOffset now, CronSchedule schedule, TimeZoneInfo zone, bool includeStartingDeadline)
    {
        var earliest = cronJob.Status?.LastScheduleTime ?? cronJob.Metadata?.CreationTimestamp ?? now;
        if (includeStartingDeadline && cronJob.Spec?.StartingDeadlineSeconds is { } deadline && now - TimeSpan.FromSeconds(deadline) > earliest)
        {
            earliest = now - TimeSpan.FromSeconds(deadline);
        }

        if (schedule.Next(earliest, zone) is not { } t1 || now < t1)
        {
            return (earliest, null, 0, null);
        }

        if (schedule.Next(t1, zone) is not { } t2 || now < t2)
        {
            return (earliest, t1, 0, null);
        }

        var between = (long)Math.Round((t2 - t1).TotalSeconds);
        if (between < 1)
        {
            return (earliest, null, 0, "time difference between two schedules is less than 1 second");
        }

        var missed = ((long)(now - t1).TotalSeconds / between) + 1;
        DateTimeOffset? mostRecent = null;
        var from = t1 + TimeSpan.FromSeconds((missed - 2) * between);
        for (var t = schedule.Next(from, zone); t is { } at && at <= now; t = schedule.Next(at, zone))
        {
            mostRecent = at;
        }

        return (earliest, mostRecent, missed, null);
    }

    /// <summary>How long until just after the next scheduled time.</summary>
    private static TimeSpan? NextScheduleDelay(CronJobKind cronJob, DateTimeOffset now, CronSchedule schedule, TimeZoneInfo zone)
    {
        var recent = MostRecentScheduleTime(cronJob, now, schedule, zone, includeStartingDeadline: false);
        if (recent.Error is not null)
        {
            return null;
        }

        var next = schedule.Next(recent.MostRecent ?? recent.Earliest, zone);
        return next is { } at ? at + NextScheduleDelta - now : null;
    }

    /// <summary>Deletes the oldest finished Jobs beyond successfulJobsHistoryLimit and failedJobsHistoryLimit.</summary>
    private async Task<bool> CleanupFinishedJobsAsync(CronJobKind cronJob, List<BatchJob> jobs, CancellationToken cancellationToken)
    {
        var spec = cronJob.Spec ?? new CronJobSpec();
        var deleted = false;
        foreach (var (type, limit) in new[] { ("Complete", spec.SuccessfulJobsHistoryLimit), ("Failed", spec.FailedJobsHistoryLimit) })
        {
            if (limit is not { } keep)
            {
                continue;
            }

            var finished = jobs.Where(j => FinishedType(j) == type)
                .OrderBy(j => j.Status?.StartTime is null ? 1 : 0)
                .ThenBy(j => j.Status?.StartTime ?? DateTimeOffset.MaxValue)
                .ThenBy(j => j.Metadata?.Name, StringComparer.Ordinal)
                .ToList();
            foreach (var job in finished.Take(Math.Max(0, finished.Count - keep)))
            {
                deleted |= await DeleteJobAsync(cronJob, job, cancellationToken).ConfigureAwait(false);
            }
        }

        return deleted;
    }

    private async Task<bool> DeleteJobAsync(CronJobKind cronJob, BatchJob job, CancellationToken cancellationToken)
    {
        try
        {
            var options = new DeleteOptions { PropagationPolicy = "Background" };
            await _client.DeleteAsync(ResourcePath.For<BatchJob>(job.Metadata!.Namespace, job.Metadata.Name), options, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiError e)
        {
            Record(cronJob, "Warning", "FailedDelete", $"Deleted job: {e.Message}");
            return false;
        }

        RemoveFromActive(cronJob, job.Metadata.Uid ?? "");
        Record(cronJob, "Normal", "SuccessfulDelete", $"Deleted job {job.Metadata.Name}");
        return true;
    }

    private static BatchJob NewJob(CronJobKind cronJob, string name, DateTimeOffset scheduled, TimeZoneInfo zone)
    {
        var template = cronJob.Spec?.JobTemplate ?? new JobTemplateSpec();
        var annotations = template.Metadata?.Annotations is { } a ? new Dictionary<string, string>(a, StringComparer.Ordinal) : [];
        annotations[ScheduledTimestampAnnotation] = Rfc3339(TimeZoneInfo.ConvertTime(scheduled, zone));
        return new BatchJob
        {
            Metadata = new ObjectMeta
            {
                Name = name,
                Namespace = cronJob.Metadata!.Namespace,
                Labels = template.Metadata?.Labels is { } l ? new Dictionary<string, string>(l, StringComparer.Ordinal) : null,
                Annotations = annotations,
                OwnerReferences = [OwnerReferences.ControllerReference(cronJob)],
            },
            Spec = Clone(template.Spec ?? new JobSpec()),
        };
    }

    /// <summary>Go's time.RFC3339 layout: "Z" for UTC, otherwise the numeric offset.</summary>
    private static string Rfc3339(DateTimeOffset time) =>
        time.Offset == TimeSpan.Zero
            ? time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : time.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>The Job for a scheduled time: the CronJob's name and the time in minutes since the epoch.</summary>
    public static string JobName(CronJobKind cronJob, DateTimeOffset scheduled) =>
        $"{cronJob.Metadata?.Name}-{(scheduled.ToUnixTimeSeconds() / 60).ToString(CultureInfo.InvariantCulture)}";

    private static string? FinishedType(BatchJob job) =>
        job.Status?.Conditions?.FirstOrDefault(c => c.Type is "Complete" or "Failed" && c.Status == "True")?.Type;

    private static bool InActive(CronJobKind cronJob, string uid) => cronJob.Status?.Active?.Any(r => r.Uid == uid) == true;

    private static void RemoveFromActive(CronJobKind cronJob, string uid) => cronJob.Status?.Active?.RemoveAll(r => r.Uid == uid);

    private static bool TryFindZone(string name, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (name.Length == 0 || name == "UTC")
        {
            return true;
        }

        // IANA names only, as Go's time.LoadLocation ("Local" is not a zone a CronJob may name).
        if (name == "Local" || !TimeZoneInfo.TryFindSystemTimeZoneById(name, out var found))
        {
            return false;
        }

        zone = found;
        return true;
    }

    private void Record(CronJobKind cronJob, string type, string reason, string message) =>
        _events.Record(new ObjectReference
        {
            ApiVersion = CronJobKind.GroupVersionKind.ApiVersion,
            Kind = CronJobKind.GroupVersionKind.Kind,
            Namespace = cronJob.Metadata?.Namespace,
            Name = cronJob.Metadata?.Name,
            Uid = cronJob.Metadata?.Uid,
            ResourceVersion = cronJob.Metadata?.ResourceVersion,
        }, type, reason, message);

    private void RequeueAfter(string key, TimeSpan delay) => _queue.AddAfter(key, delay, _time, _stopping);

    private static T Clone<T>(T value) => ModelJson.Deserialize<T>(ModelJson.Serialize(value))!;

    [LoggerMessage(Level = LogLevel.Information, Message = "Created Job {Namespace}/{Name} for {Scheduled}")]
    private static partial void LogCreated(ILogger logger, string @namespace, string name, DateTimeOffset scheduled);
}
