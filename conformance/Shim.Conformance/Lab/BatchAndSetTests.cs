using System.Text.Json.Nodes;
using Xunit;

namespace Shim.Conformance.Lab;

/// <summary>Jobs, CronJobs, StatefulSets and DaemonSets through the real kubectl on real Docker hosts.</summary>
[Collection("lab")]
public sealed class BatchAndSetTests(LabCluster cluster)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Jobs_complete_and_fail_as_specified()
    {
        cluster.WaitForNodesReady(TimeSpan.FromSeconds(90));
        await using var ns = await LabNamespace.CreateAsync(cluster, "jobs");
        await ns.ApplyAsync($$$"""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: ok}
            spec:
              completions: 3
              parallelism: 2
              template:
                spec:
                  restartPolicy: Never
                  terminationGracePeriodSeconds: 1
                  containers: [{name: work, image: {{{LabManifests.Busybox}}}, command: ["sh", "-c", "echo done"]}]
            ---
            apiVersion: batch/v1
            kind: Job
            metadata: {name: broken}
            spec:
              backoffLimit: 1
              template:
                spec:
                  restartPolicy: Never
                  terminationGracePeriodSeconds: 1
                  containers: [{name: work, image: {{{LabManifests.Busybox}}}, command: ["sh", "-c", "exit 3"]}]
            """);
        await ns.OkAsync("wait", "--for=condition=complete", "job/ok", $"--timeout={(int)Timeout.TotalSeconds}s");
        Assert.Equal("3", await ns.GetAsync("job/ok", "{.status.succeeded}"));
        Assert.Equal("done", (await ns.OkAsync("logs", "job/ok")).Trim());
        Assert.Equal(3, (await ns.OkAsync("get", "pods", "-l", "job-name=ok", "-o", "name")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        await ns.OkAsync("wait", "--for=condition=failed", "job/broken", $"--timeout={(int)Timeout.TotalSeconds}s");
        Assert.Equal("BackoffLimitExceeded", await ns.GetAsync("job/broken", "{.status.conditions[?(@.type==\"Failed\")].reason}"));
        Assert.Equal("2", await ns.GetAsync("job/broken", "{.status.failed}"));
    }

    [Fact]
    public async Task A_cronjob_fires_a_job_that_completes()
    {
        cluster.WaitForNodesReady(TimeSpan.FromSeconds(90));
        await using var ns = await LabNamespace.CreateAsync(cluster, "cron");
        await ns.OkAsync("create", "cronjob", "tick", "--image", LabManifests.Busybox, "--schedule", "* * * * *", "--", "sh", "-c", "echo tick");
        var job = await ns.EventuallyAsync(
            async () => (await ns.OkAsync("get", "jobs", "-o", "name")).Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(),
            "the CronJob's first Job",
            TimeSpan.FromSeconds(90),
            "cronjob/tick");
        Assert.Matches(@"^job\.batch/tick-\d+$", job);
        await ns.OkAsync("wait", "--for=condition=complete", job, $"--timeout={(int)Timeout.TotalSeconds}s");
        Assert.Equal("tick", (await ns.OkAsync("logs", job)).Trim());
        await ns.WaitForAsync("cronjob/tick", "{.status.lastSuccessfulTime}", t => t.Length > 0, "lastSuccessfulTime set");
        Assert.Equal("CronJob", await ns.GetAsync(job, "{.metadata.ownerReferences[0].kind}"));
    }

    [Fact]
    public async Task A_statefulset_starts_its_pods_in_order_with_stable_names_and_hostnames()
    {
        cluster.WaitForNodesReady(TimeSpan.FromSeconds(90));
        await using var ns = await LabNamespace.CreateAsync(cluster, "sts");
        await ns.ApplyAsync($$$"""
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db}
            spec:
              serviceName: db
              replicas: 3
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: app
                    image: {{{LabManifests.Busybox}}}
                    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
                    readinessProbe: {exec: {command: ["true"]}, periodSeconds: 1}
            """);
        var status = await ns.RunAsync("rollout", "status", "statefulset/db", $"--timeout={(int)Timeout.TotalSeconds}s");
        Assert.True(status.ExitCode == 0, status.Output);

        var pods = JsonNode.Parse(await ns.OkAsync("get", "pods", "-l", "app=db", "-o", "json"))!["items"]!.AsArray();
        Assert.Equal(["db-0", "db-1", "db-2"], pods.Select(p => p!["metadata"]!["name"]!.ToString()).Order());
        // OrderedReady: each pod was created only after its predecessor was Ready.
        for (var i = 1; i < 3; i++)
        {
            var previousReady = DateTimeOffset.Parse(await ns.GetAsync($"pod/db-{i - 1}", "{.status.conditions[?(@.type==\"Ready\")].lastTransitionTime}"), System.Globalization.CultureInfo.InvariantCulture);
            var created = DateTimeOffset.Parse(await ns.GetAsync($"pod/db-{i}", "{.metadata.creationTimestamp}"), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(created >= previousReady, $"db-{i} created at {created} before db-{i - 1} was Ready at {previousReady}");
        }

        Assert.Equal("db-1", (await ns.ShAsync("db-1", "hostname")).Trim());
        Assert.Equal("db", await ns.GetAsync("pod/db-1", "{.spec.subdomain}"));

        await ns.OkAsync("scale", "statefulset/db", "--replicas=1");
        await ns.WaitForAsync("statefulset/db", "{.status.replicas}", r => r == "1", "1 replica");
        await ns.EventuallyAsync(async () => (await ns.OkAsync("get", "pods", "-l", "app=db", "-o", "name")).Trim() == "pod/db-0" ? "" : null, "only db-0 left");
    }

    [Fact]
    public async Task A_daemonset_runs_one_pod_on_every_node()
    {
        cluster.WaitForNodesReady(TimeSpan.FromSeconds(90));
        await using var ns = await LabNamespace.CreateAsync(cluster, "ds");
        await ns.ApplyAsync($$$"""
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent}
            spec:
              selector: {matchLabels: {app: agent}}
              template:
                metadata: {labels: {app: agent}}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: app
                    image: {{{LabManifests.Busybox}}}
                    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
            """);
        var status = await ns.RunAsync("rollout", "status", "daemonset/agent", $"--timeout={(int)Timeout.TotalSeconds}s");
        Assert.True(status.ExitCode == 0, status.Output);
        var nodes = (await ns.OkAsync("get", "pods", "-l", "app=agent", "-o", "jsonpath={.items[*].spec.nodeName}")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Enumerable.Range(1, LabCluster.Hosts).Select(n => $"h{n}"), nodes.Order());
        Assert.Equal($"{LabCluster.Hosts}", await ns.GetAsync("daemonset/agent", "{.status.numberReady}"));
    }
}
