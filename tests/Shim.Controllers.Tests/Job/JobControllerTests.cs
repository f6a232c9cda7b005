using Shim.Client;
using Shim.Controllers.Tests.Support;
using Shim.Model.Core.V1;
using BatchJob = Shim.Model.Batch.V1.Job;

namespace Shim.Controllers.Tests.Job;

public sealed class JobControllerTests
{
    [Fact]
    public async Task A_job_runs_pods_two_at_a_time_until_three_succeeded_then_completes()
    {
        await using var h = await JobHarness.StartAsync();
        var created = await h.CreateAsync(JobHarness.NewJob("work", completions: 3, parallelism: 2));
        Assert.Equal(created.Metadata!.Uid, created.Spec!.Selector!.MatchLabels!["batch.kubernetes.io/controller-uid"]);

        var maxActive = 0;
        var job = await h.UntilAsync("work", j => JobHarness.HasCondition(j, "Complete"), "the job to complete", async () =>
        {
            var active = await h.ActivePodsAsync("work");
            maxActive = Math.Max(maxActive, active.Count);
            foreach (var pod in active)
            {
                await Kubelet.MarkFinishedAsync(h.Client, pod, succeeded: true);
            }
        });

        Assert.Equal(3, job.Status!.Succeeded);
        Assert.Equal(0, job.Status.Active ?? 0);
        Assert.NotNull(job.Status.StartTime);
        Assert.NotNull(job.Status.CompletionTime);
        Assert.True(maxActive <= 2, $"at most parallelism pods run at once, saw {maxActive}");
        var complete = job.Status.Conditions!.Single(c => c.Type == "Complete");
        Assert.Equal("CompletionsReached", complete.Reason);
        Assert.True(JobHarness.HasCondition(job, "SuccessCriteriaMet", "CompletionsReached"));

        var pods = await h.PodsAsync("work");
        Assert.Equal(3, pods.Count);
        Assert.All(pods, p =>
        {
            Assert.StartsWith("work-", p.Metadata!.Name, StringComparison.Ordinal);
            Assert.Equal(created.Metadata.Uid, p.Metadata.OwnerReferences!.Single(r => r.Controller == true).Uid);
            Assert.Equal("work", p.Metadata.Labels!["app"]);
            Assert.Equal(created.Metadata.Uid, p.Metadata.Labels["controller-uid"]);
            Assert.DoesNotContain("batch.kubernetes.io/job-tracking", p.Metadata.Finalizers ?? []);
        });

        await Eventually.TrueAsync(async () =>
        {
            var reasons = (await h.EventsAsync("work")).Select(e => e.Reason).ToList();
            return reasons.Count(r => r == "SuccessfulCreate") == 3 && reasons.Contains("Completed");
        }, "SuccessfulCreate and Completed events");
    }

    [Fact]
    public async Task A_job_with_backoff_limit_one_fails_after_its_second_failed_pod()
    {
        await using var h = await JobHarness.StartAsync();
        await h.CreateAsync(JobHarness.NewJob("flaky", configure: s => s.BackoffLimit = 1));

        var first = (await Eventually.UntilAsync(async () => (await h.ActivePodsAsync("flaky")).FirstOrDefault(), "the first pod"))!;
        await Kubelet.MarkFinishedAsync(h.Client, first, succeeded: false, exitCode: 1);
        await h.UntilAsync("flaky", j => j.Status?.Failed == 1, "the first failure to be counted");

        // The replacement waits out the pod failure backoff (10 s after one failure) on the controller's clock.
        Assert.Empty(await h.ActivePodsAsync("flaky"));
        var second = await Eventually.UntilAsync(async () =>
        {
            h.Clock.Advance(TimeSpan.FromSeconds(11));
            return (await h.ActivePodsAsync("flaky")).FirstOrDefault();
        }, "a replacement pod after the backoff");
        await Kubelet.MarkFinishedAsync(h.Client, second, succeeded: false, exitCode: 1);

        var job = await h.UntilAsync("flaky", j => JobHarness.HasCondition(j, "Failed"), "the job to fail");
        Assert.Equal(2, job.Status!.Failed);
        Assert.Equal("BackoffLimitExceeded", job.Status.Conditions!.Single(c => c.Type == "Failed").Reason);
        Assert.True(JobHarness.HasCondition(job, "FailureTarget", "BackoffLimitExceeded"));
        Assert.Null(job.Status.CompletionTime);
        await Eventually.TrueAsync(async () => (await h.EventsAsync("flaky")).Any(e => e.Reason == "BackoffLimitExceeded" && e.Type == "Warning"), "the BackoffLimitExceeded event");
    }

    [Fact]
    public async Task Deleting_a_counted_pod_neither_loses_nor_repeats_its_count()
    {
        await using var h = await JobHarness.StartAsync();
        await h.CreateAsync(JobHarness.NewJob("steady", completions: 2, parallelism: 1));

        var first = (await Eventually.UntilAsync(async () => (await h.ActivePodsAsync("steady")).FirstOrDefault(), "the first pod"))!;
        await Kubelet.MarkFinishedAsync(h.Client, first, succeeded: true);
        await h.UntilAsync("steady", j => j.Status?.Succeeded == 1 && (j.Status.UncountedTerminatedPods?.Succeeded?.Count ?? 0) == 0, "the success to be counted");
        await Eventually.TrueAsync(async () => (await h.PodsAsync("steady")).Single(p => p.Metadata!.Name == first.Metadata!.Name).Metadata!.Finalizers?.Contains("batch.kubernetes.io/job-tracking") != true, "the tracking finalizer to be removed");

        await h.Client.DeleteAsync(ResourcePath.For<Pod>("default", first.Metadata!.Name), null, CancellationToken.None);
        var second = await Eventually.UntilAsync(async () => (await h.ActivePodsAsync("steady")).FirstOrDefault(), "the second pod");
        await Eventually.TrueAsync(async () => (await h.PodsAsync("steady")).All(p => p.Metadata!.Uid != first.Metadata.Uid), "the counted pod to be gone");
        Assert.Equal(1, (await h.GetAsync("steady"))!.Status!.Succeeded);

        await Kubelet.MarkFinishedAsync(h.Client, second, succeeded: true);
        var job = await h.UntilAsync("steady", j => JobHarness.HasCondition(j, "Complete"), "the job to complete");
        Assert.Equal(2, job.Status!.Succeeded);
        Assert.Equal(0, job.Status.Failed ?? 0);
        Assert.Equal(2, (await h.EventsAsync("steady")).Count(e => e.Reason == "SuccessfulCreate"));
    }

    [Fact]
    public async Task An_indexed_job_runs_each_index_once_and_reports_completed_indexes()
    {
        await using var h = await JobHarness.StartAsync();
        await h.CreateAsync(JobHarness.NewJob("shards", completions: 3, parallelism: 3, configure: s => s.CompletionMode = "Indexed"));

        var pods = await Eventually.UntilAsync(async () => await h.ActivePodsAsync("shards") is { Count: 3 } all ? all : null, "three indexed pods");
        var byIndex = pods.ToDictionary(p => p.Metadata!.Annotations!["batch.kubernetes.io/job-completion-index"]);
        Assert.Equal(["0", "1", "2"], byIndex.Keys.Order(StringComparer.Ordinal));
        foreach (var (index, pod) in byIndex)
        {
            Assert.StartsWith($"shards-{index}-", pod.Metadata!.Name, StringComparison.Ordinal);
            Assert.Equal(index, pod.Metadata.Labels!["batch.kubernetes.io/job-completion-index"]);
            Assert.Equal($"shards-{index}", pod.Spec!.Hostname);
            var env = pod.Spec.Containers!.Single().Env!.Single(e => e.Name == "JOB_COMPLETION_INDEX");
            Assert.Equal("metadata.annotations['batch.kubernetes.io/job-completion-index']", env.ValueFrom!.FieldRef!.FieldPath);
        }

        await Kubelet.MarkFinishedAsync(h.Client, byIndex["0"], succeeded: true);
        await Kubelet.MarkFinishedAsync(h.Client, byIndex["2"], succeeded: true);
        await h.UntilAsync("shards", j => j.Status?.CompletedIndexes == "0,2", "indexes 0 and 2 to be completed");

        await Kubelet.MarkFinishedAsync(h.Client, byIndex["1"], succeeded: true);
        var job = await h.UntilAsync("shards", j => JobHarness.HasCondition(j, "Complete"), "the job to complete");
        Assert.Equal("0-2", job.Status!.CompletedIndexes);
        Assert.Equal(3, job.Status.Succeeded);
        Assert.Equal(3, (await h.PodsAsync("shards")).Count);
    }

    [Fact]
    public async Task A_job_past_its_active_deadline_fails_and_its_pods_are_deleted()
    {
        await using var h = await JobHarness.StartAsync();
        await h.CreateAsync(JobHarness.NewJob("slow", configure: s => s.ActiveDeadlineSeconds = 30));
        await Eventually.UntilAsync(async () => (await h.ActivePodsAsync("slow")).FirstOrDefault(), "the pod");

        var job = await h.UntilAsync("slow", j => JobHarness.HasCondition(j, "Failed"), "the deadline to fail the job", () =>
        {
            h.Clock.Advance(TimeSpan.FromSeconds(31));
            return Task.CompletedTask;
        });

        Assert.Equal("DeadlineExceeded", job.Status!.Conditions!.Single(c => c.Type == "Failed").Reason);
        Assert.Equal("Job was active longer than specified deadline", job.Status.Conditions!.Single(c => c.Type == "Failed").Message);
        Assert.Equal(0, job.Status.Active ?? 0);
        await Eventually.TrueAsync(async () => (await h.PodsAsync("slow")).Count == 0, "the pod to be deleted");
        await Eventually.TrueAsync(async () => (await h.EventsAsync("slow")).Any(e => e.Reason == "DeadlineExceeded"), "the DeadlineExceeded event");
    }

    [Fact]
    public async Task A_suspended_job_runs_nothing_until_resumed()
    {
        await using var h = await JobHarness.StartAsync();
        await h.CreateAsync(JobHarness.NewJob("paused", completions: 2, parallelism: 2, configure: s => s.Suspend = true));

        var job = await h.UntilAsync("paused", j => JobHarness.HasCondition(j, "Suspended", "JobSuspended"), "the Suspended condition");
        Assert.Null(job.Status!.StartTime);
        Assert.Empty(await h.PodsAsync("paused"));

        await h.Client.PatchAsync<BatchJob>(ResourcePath.For<BatchJob>("default", "paused"), KubeClient.MergePatch, """{"spec":{"suspend":false}}""", CancellationToken.None);
        job = await h.UntilAsync("paused", j => j.Status?.Active == 2, "two active pods after resuming");
        var suspended = job.Status!.Conditions!.Single(c => c.Type == "Suspended");
        Assert.Equal(("False", "JobResumed"), (suspended.Status, suspended.Reason));
        Assert.NotNull(job.Status.StartTime);

        // Suspending again deletes the running pods without counting them as failures.
        await h.Client.PatchAsync<BatchJob>(ResourcePath.For<BatchJob>("default", "paused"), KubeClient.MergePatch, """{"spec":{"suspend":true}}""", CancellationToken.None);
        job = await h.UntilAsync("paused", j => JobHarness.HasCondition(j, "Suspended") && (j.Status?.Active ?? 0) == 0, "the job to be suspended again");
        Assert.Equal(0, job.Status!.Failed ?? 0);
        await Eventually.TrueAsync(async () => (await h.PodsAsync("paused")).Count == 0, "the pods to be deleted");
    }

    [Fact]
    public async Task A_finished_job_is_deleted_once_its_ttl_passed()
    {
        await using var h = await JobHarness.StartAsync();
        await h.CreateAsync(JobHarness.NewJob("brief", configure: s => s.TtlSecondsAfterFinished = 60));
        var pod = await Eventually.UntilAsync(async () => (await h.ActivePodsAsync("brief")).FirstOrDefault(), "the pod");
        await Kubelet.MarkFinishedAsync(h.Client, pod, succeeded: true);
        await h.UntilAsync("brief", j => JobHarness.HasCondition(j, "Complete"), "the job to complete");
        Assert.NotNull(await h.GetAsync("brief"));

        await Eventually.TrueAsync(async () =>
        {
            h.Clock.Advance(TimeSpan.FromSeconds(61));
            return await h.GetAsync("brief") is null;
        }, "the job to be deleted after its TTL");
    }
}
