using System.Globalization;
using Xunit;

namespace Shim.Conformance.Lab;

/// <summary>
/// A pod's life as a user sees it: phases and exit codes per restart policy, crash-loop backoff, liveness,
/// readiness and startup probes, lifecycle hooks, graceful deletion, image pull failures, deadlines and missing
/// configuration.
/// </summary>
[Collection("lab")]
public sealed class LifecycleTests(LabCluster cluster)
{
    private static string OneShot(string name, string restartPolicy, string script) => $$"""
        apiVersion: v1
        kind: Pod
        metadata: {name: {{name}}}
        spec:
          restartPolicy: {{restartPolicy}}
          terminationGracePeriodSeconds: 1
          containers:
          - name: app
            image: shim/busybox:1.35
            imagePullPolicy: IfNotPresent
            command: ["sh", "-c", "{{script}}"]
        """;

    [Fact]
    public async Task Restart_policy_never_ends_in_succeeded_or_failed_with_the_exit_code()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "never");
        await ns.ApplyAsync(OneShot("succeeds", "Never", "echo done; exit 0"));
        await ns.ApplyAsync(OneShot("fails", "Never", "echo failing; exit 3"));

        await ns.WaitForPhaseAsync("succeeds", "Succeeded");
        Assert.Equal("0", await ns.GetAsync("pod/succeeds", "{.status.containerStatuses[0].state.terminated.exitCode}"));
        Assert.Equal("Completed", await ns.GetAsync("pod/succeeds", "{.status.containerStatuses[0].state.terminated.reason}"));
        Assert.Equal("done", await ns.OkAsync("logs", "succeeds"));

        await ns.WaitForPhaseAsync("fails", "Failed");
        Assert.Equal("3", await ns.GetAsync("pod/fails", "{.status.containerStatuses[0].state.terminated.exitCode}"));
        Assert.Equal("Error", await ns.GetAsync("pod/fails", "{.status.containerStatuses[0].state.terminated.reason}"));
        Assert.Equal("0", await ns.GetAsync("pod/fails", "{.status.containerStatuses[0].restartCount}"));
        Assert.Matches(@"(?m)^fails\s+0/1\s+Error\s+0\s", await ns.OkAsync("get", "pod", "fails"));
        Assert.Matches(@"(?m)^succeeds\s+0/1\s+Completed\s+0\s", await ns.OkAsync("get", "pod", "succeeds"));
    }

    [Fact]
    public async Task Restart_policy_on_failure_restarts_only_a_failing_container()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "onfailure");
        await ns.ApplyAsync(OneShot("retried", "OnFailure", "echo attempt; exit 1"));
        await ns.ApplyAsync(OneShot("finished", "OnFailure", "exit 0"));

        await ns.WaitForAsync("pod/retried", "{.status.containerStatuses[0].restartCount}", c => c.Length > 0 && int.Parse(c, CultureInfo.InvariantCulture) >= 1, "at least one restart");
        Assert.Equal("1", await ns.GetAsync("pod/retried", "{.status.containerStatuses[0].lastState.terminated.exitCode}"));
        Assert.NotEqual("Failed", await ns.GetAsync("pod/retried", "{.status.phase}"));

        await ns.WaitForPhaseAsync("finished", "Succeeded");
        Assert.Equal("0", await ns.GetAsync("pod/finished", "{.status.containerStatuses[0].restartCount}"));
    }

    [Fact]
    public async Task Crashing_container_backs_off_with_a_growing_restart_count()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "crashloop");
        await ns.ApplyAsync(OneShot("crasher", "Always", "echo crash; exit 2"));

        const string waitingMessage = "{.status.containerStatuses[0].state.waiting.message}";
        var first = await ns.WaitForAsync("pod/crasher", waitingMessage, m => m.StartsWith("back-off 10s", StringComparison.Ordinal), "the first back-off of 10s");
        Assert.Equal("CrashLoopBackOff", await ns.GetAsync("pod/crasher", "{.status.containerStatuses[0].state.waiting.reason}"));
        Assert.Matches(@"^back-off 10s restarting failed container=app pod=crasher_", first);
        // The delay doubles with each crash.
        await ns.WaitForAsync("pod/crasher", waitingMessage, m => m.StartsWith("back-off 20s", StringComparison.Ordinal), "the second back-off of 20s", TimeSpan.FromSeconds(45));
        await ns.WaitForAsync("pod/crasher", "{.status.containerStatuses[0].restartCount}", c => c.Length > 0 && int.Parse(c, CultureInfo.InvariantCulture) >= 2, "two restarts", TimeSpan.FromSeconds(60));
        Assert.Equal("2", await ns.GetAsync("pod/crasher", "{.status.containerStatuses[0].lastState.terminated.exitCode}"));
        Assert.Equal("Error", await ns.GetAsync("pod/crasher", "{.status.containerStatuses[0].lastState.terminated.reason}"));
        Assert.Equal("Running", await ns.GetAsync("pod/crasher", "{.status.phase}"));

        var backOff = await ns.WaitForEventAsync("crasher", "BackOff", "Back-off restarting failed container app in pod crasher_");
        Assert.Equal("Warning", backOff.Type);
        Assert.Equal("crash", await ns.OkAsync("logs", "crasher", "--previous"));
        Assert.Matches(@"(?m)^crasher\s+0/1\s+(CrashLoopBackOff|Error)\s+[2-9]", await ns.OkAsync("get", "pod", "crasher"));
    }

    [Fact]
    public async Task Failing_liveness_probe_restarts_the_container()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "liveness");
        await ns.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: unhealthy}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                command: ["sleep", "3600"]
                livenessProbe:
                  exec: {command: ["test", "-e", "/tmp/alive"]}
                  initialDelaySeconds: 1
                  periodSeconds: 1
                  failureThreshold: 2
            """);
        await ns.WaitForAsync("pod/unhealthy", "{.status.containerStatuses[0].restartCount}", c => c.Length > 0 && int.Parse(c, CultureInfo.InvariantCulture) >= 1, "a restart by the liveness probe");
        var unhealthy = await ns.WaitForEventAsync("unhealthy", "Unhealthy", "Liveness probe failed");
        Assert.Equal("Warning", unhealthy.Type);
        var killing = await ns.WaitForEventAsync("unhealthy", "Killing", "failed liveness probe, will be restarted");
        Assert.Equal("Container app failed liveness probe, will be restarted", killing.Message);
        Assert.Equal("137", await ns.GetAsync("pod/unhealthy", "{.status.containerStatuses[0].lastState.terminated.exitCode}"));
    }

    [Fact]
    public async Task Readiness_probe_decides_when_the_pod_is_ready()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "readiness");
        await ns.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: gated}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                command: ["sleep", "3600"]
                readinessProbe:
                  exec: {command: ["test", "-e", "/tmp/ready"]}
                  periodSeconds: 1
            """);
        await ns.WaitForPhaseAsync("gated", "Running");
        var notYet = await ns.RunAsync("wait", "--for=condition=Ready", "pod/gated", "--timeout=4s");
        Assert.NotEqual(0, notYet.ExitCode);
        Assert.Equal("False", await ns.GetAsync("pod/gated", "{.status.conditions[?(@.type==\"Ready\")].status}"));
        Assert.Equal("false", await ns.GetAsync("pod/gated", "{.status.containerStatuses[0].ready}"));
        await ns.WaitForEventAsync("gated", "Unhealthy", "Readiness probe failed");

        await ns.ShAsync("gated", "touch /tmp/ready");
        await ns.OkAsync("wait", "--for=condition=Ready", "pod/gated", "--timeout=30s");
        Assert.Equal("True", await ns.GetAsync("pod/gated", "{.status.conditions[?(@.type==\"ContainersReady\")].status}"));

        // Readiness failing again makes the pod unready, without a restart.
        await ns.ShAsync("gated", "rm /tmp/ready");
        await ns.WaitForAsync("pod/gated", "{.status.conditions[?(@.type==\"Ready\")].status}", s => s == "False", "Ready to turn False again");
        Assert.Equal(0, await ns.RestartCountAsync("gated", "app"));
    }

    [Fact]
    public async Task Startup_probe_holds_back_liveness_and_readiness_until_it_succeeds()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "startup");
        await ns.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: slow-start}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                command: ["sleep", "3600"]
                startupProbe:
                  exec: {command: ["test", "-e", "/tmp/started"]}
                  periodSeconds: 1
                  failureThreshold: 120
                livenessProbe:
                  exec: {command: ["test", "-e", "/tmp/started"]}
                  periodSeconds: 1
                  failureThreshold: 1
                readinessProbe:
                  exec: {command: ["true"]}
                  periodSeconds: 1
            """);
        await ns.WaitForPhaseAsync("slow-start", "Running");
        // While starting, the liveness probe (which would fail) does not run and the pod is not ready.
        var notYet = await ns.RunAsync("wait", "--for=condition=Ready", "pod/slow-start", "--timeout=5s");
        Assert.NotEqual(0, notYet.ExitCode);
        Assert.Equal("false", await ns.GetAsync("pod/slow-start", "{.status.containerStatuses[0].started}"));
        Assert.Equal(0, await ns.RestartCountAsync("slow-start", "app"));

        await ns.ShAsync("slow-start", "touch /tmp/started");
        await ns.OkAsync("wait", "--for=condition=Ready", "pod/slow-start", "--timeout=30s");
        Assert.Equal("true", await ns.GetAsync("pod/slow-start", "{.status.containerStatuses[0].started}"));
        Assert.Equal(0, await ns.RestartCountAsync("slow-start", "app"));
    }

    [Fact]
    public async Task Http_liveness_probe_against_httpd_restarts_when_the_page_goes_away()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "httpget");
        await ns.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: httpd
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                command: ["sh", "-c", "mkdir -p /www && echo ok > /www/healthz && exec httpd -f -p 8080 -h /www"]
                livenessProbe:
                  httpGet: {path: /healthz, port: 8080}
                  periodSeconds: 1
                  failureThreshold: 2
                readinessProbe:
                  tcpSocket: {port: 8080}
                  periodSeconds: 1
            """);
        await ns.WaitForReadyAsync("web");
        // Healthy for a few probe periods: no restart.
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Equal(0, await ns.RestartCountAsync("web", "httpd"));

        await ns.ShAsync("web", "rm /www/healthz");
        await ns.WaitForAsync("pod/web", "{.status.containerStatuses[0].restartCount}", c => c == "1", "one restart by the HTTP liveness probe");
        var unhealthy = await ns.WaitForEventAsync("web", "Unhealthy", "Liveness probe failed");
        Assert.Contains("HTTP probe failed with statuscode: 404", unhealthy.Message, StringComparison.Ordinal);
        // The restarted container serves the page again and stays up.
        await ns.WaitForReadyAsync("web");
        Assert.Equal("ok", await ns.ShAsync("web", "cat /www/healthz"));
    }

    [Fact]
    public async Task Post_start_hook_runs_in_the_container()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "poststart");
        await ns.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: hooked}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                command: ["sleep", "3600"]
                lifecycle:
                  postStart:
                    exec: {command: ["sh", "-c", "echo post-start ran in $(hostname) > /tmp/hook"]}
            """);
        await ns.WaitForPhaseAsync("hooked", "Running");
        Assert.Equal("post-start ran in hooked", await ns.ShAsync("hooked", "cat /tmp/hook"));
    }

    [Fact]
    public async Task Pre_stop_hook_runs_before_the_container_is_stopped_on_deletion()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "prestop");
        await ns.ApplyAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: hooked}
            spec:
              terminationGracePeriodSeconds: 10
              nodeSelector: {kubernetes.io/hostname: h1}
              volumes:
              - name: host
                hostPath: {path: {{ns.HostDirectory}}, type: DirectoryOrCreate}
              containers:
              - name: app
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                command: ["sh", "-c", "trap 'echo term after $(cat /host/prestop) >> /host/order; exit 0' TERM; while true; do sleep 1; done"]
                volumeMounts: [{name: host, mountPath: /host}]
                lifecycle:
                  preStop:
                    exec: {command: ["sh", "-c", "echo pre-stop > /host/prestop"]}
            """);
        await ns.WaitForPhaseAsync("hooked", "Running");
        Assert.False(File.Exists(Path.Combine(ns.HostDirectory, "prestop")));
        await ns.DeletePodAsync("hooked");
        Assert.Equal("pre-stop\n", await File.ReadAllTextAsync(Path.Combine(ns.HostDirectory, "prestop")));
        Assert.Equal("term after pre-stop\n", await File.ReadAllTextAsync(Path.Combine(ns.HostDirectory, "order")));
    }

    [Fact]
    public async Task Deleting_a_pod_sends_TERM_and_a_trapping_container_exits_promptly()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "graceful");
        await ns.ApplyAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: trapper}
            spec:
              terminationGracePeriodSeconds: 30
              nodeSelector: {kubernetes.io/hostname: h1}
              volumes:
              - name: shared
                hostPath: {path: {{ns.HostDirectory}}, type: DirectoryOrCreate}
              containers:
              - name: app
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                command: ["sh", "-c", "trap 'echo got TERM > /shared/x; exit 0' TERM; while true; do sleep 1; done"]
                volumeMounts: [{name: shared, mountPath: /shared}]
            """);
        await ns.WaitForPhaseAsync("trapper", "Running");
        var uid = await ns.UidAsync("trapper");
        Assert.Equal(2, (await LabNamespace.ContainersAsync(1, uid)).Count);

        var took = await ns.DeletePodAsync("trapper");
        Assert.True(took < TimeSpan.FromSeconds(12), $"deleting a pod whose container exits on TERM took {took.TotalSeconds:F1}s (grace period 30s)");
        Assert.Equal("got TERM\n", await File.ReadAllTextAsync(Path.Combine(ns.HostDirectory, "x")));
        await ns.EventuallyAsync(
            async () => (await LabNamespace.ContainersAsync(1, uid)).Count == 0 ? "none" : null,
            "no containers of the deleted pod on h1",
            TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Deleting_a_pod_that_ignores_TERM_kills_it_after_the_grace_period()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "killafter");
        await ns.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: stubborn}
            spec:
              terminationGracePeriodSeconds: 3
              nodeSelector: {kubernetes.io/hostname: h2}
              containers:
              - name: app
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                command: ["sh", "-c", "sleep 3600"]
            """);
        await ns.WaitForPhaseAsync("stubborn", "Running");
        var uid = await ns.UidAsync("stubborn");
        Assert.Equal(2, (await LabNamespace.ContainersAsync(2, uid)).Count);

        var took = await ns.DeletePodAsync("stubborn");
        Assert.True(took > TimeSpan.FromSeconds(2.5) && took < TimeSpan.FromSeconds(15), $"deleting a pod that ignores TERM with a 3s grace period took {took.TotalSeconds:F1}s");
        var killing = await ns.EventsAsync("stubborn");
        Assert.Contains(killing, e => e.Reason == "Killing" && e.Message == "Stopping container app");
        await ns.EventuallyAsync(
            async () => (await LabNamespace.ContainersAsync(2, uid)).Count == 0 ? "none" : null,
            "no containers of the deleted pod on h2",
            TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Absent_image_with_pull_policy_never_is_err_image_never_pull()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "neverpull");
        await ns.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: no-image}
            spec:
              containers:
              - name: app
                image: shim/absent:1
                imagePullPolicy: Never
            """);
        var message = await ns.WaitForWaitingReasonAsync("no-image", "app", "ErrImageNeverPull");
        Assert.Equal("Container image \"shim/absent:1\" is not present with pull policy of Never", message);
        Assert.Equal("Pending", await ns.GetAsync("pod/no-image", "{.status.phase}"));
        var warning = await ns.WaitForEventAsync("no-image", "ErrImageNeverPull");
        Assert.Equal("Warning", warning.Type);
        Assert.Matches(@"(?m)^no-image\s+0/1\s+ErrImageNeverPull\s", await ns.OkAsync("get", "pod", "no-image"));
    }

    [Fact]
    public async Task Unpullable_image_goes_from_err_image_pull_to_image_pull_back_off()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "pullfail");
        await ns.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: unpullable}
            spec:
              containers:
              - name: app
                image: localhost:5999/nope:1
                imagePullPolicy: IfNotPresent
            """);
        var pulling = await ns.WaitForEventAsync("unpullable", "Pulling", "localhost:5999/nope:1");
        Assert.Equal("Pulling image \"localhost:5999/nope:1\"", pulling.Message);
        var failed = await ns.WaitForEventAsync("unpullable", "Failed", "Failed to pull image \"localhost:5999/nope:1\"");
        Assert.Equal("Warning", failed.Type);
        await ns.WaitForEventAsync("unpullable", "Failed", "Error: ErrImagePull");
        await ns.WaitForWaitingReasonAsync("unpullable", "app", "ImagePullBackOff");
        var backOff = await ns.WaitForEventAsync("unpullable", "BackOff", "Back-off pulling image \"localhost:5999/nope:1\"");
        Assert.Equal("Normal", backOff.Type);
        Assert.Equal("Pending", await ns.GetAsync("pod/unpullable", "{.status.phase}"));
    }

    [Fact]
    public async Task Active_deadline_fails_the_pod_with_deadline_exceeded()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "deadline");
        await ns.ApplyAsync(LabManifests.Sleeper("bounded", "  activeDeadlineSeconds: 3"));
        await ns.WaitForPhaseAsync("bounded", "Failed", TimeSpan.FromSeconds(45));
        Assert.Equal("DeadlineExceeded", await ns.GetAsync("pod/bounded", "{.status.reason}"));
        Assert.Contains("active", await ns.GetAsync("pod/bounded", "{.status.message}"), StringComparison.OrdinalIgnoreCase);
        var deadline = await ns.WaitForEventAsync("bounded", "DeadlineExceeded");
        Assert.Equal("Normal", deadline.Type);
        Assert.Equal("Pod was active on the node longer than the specified deadline", deadline.Message);
        await ns.EventuallyAsync(
            async () => (await ns.ContainersOfAsync("bounded")).All(c => !c.Running) ? "stopped" : null,
            "every container of the pod past its deadline to be stopped",
            TimeSpan.FromSeconds(20),
            "pod/bounded");
    }

    [Fact]
    public async Task Missing_config_map_key_is_a_config_error_until_the_config_map_exists()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "configerror");
        await ns.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: needs-config}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                command: ["sleep", "3600"]
                env:
                - name: MODE
                  valueFrom: {configMapKeyRef: {name: later, key: mode}}
            """);
        var message = await ns.WaitForWaitingReasonAsync("needs-config", "app", "CreateContainerConfigError");
        Assert.Equal("configmap \"later\" not found", message);
        var failed = await ns.WaitForEventAsync("needs-config", "Failed", "configmap \"later\" not found");
        Assert.Equal("Warning", failed.Type);

        await ns.ApplyAsync("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: later}
            data: {mode: production}
            """);
        await ns.WaitForPhaseAsync("needs-config", "Running");
        Assert.Equal("production", await ns.ShAsync("needs-config", "echo $MODE"));
    }
}
