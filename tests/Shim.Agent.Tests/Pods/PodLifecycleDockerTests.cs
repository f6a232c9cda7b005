using Shim.Agent.Pods;

namespace Shim.Agent.Tests.Pods;

[Collection(DockerPodsCollection.Name)]
public sealed class PodLifecycleDockerTests(DockerPodsFixture fixture)
{
    [Fact]
    public async Task RunsSandboxAndAppContainerNamedLabelledOnThePodNetwork()
    {
        await using var harness = new PodRuntimeHarness(fixture);
        var manager = await harness.StartManagerAsync();
        var pod = PodJson.Create("web", """
            {"containers":[{"name":"app","image":"shim/busybox:1.35","command":["sh","-c"],"args":["echo $(GREETING) > /scratch/g; sleep 3600"],
              "env":[{"name":"GREETING","value":"hello"}],
              "resources":{"requests":{"cpu":"100m"},"limits":{"cpu":"500m","memory":"64Mi"}},
              "securityContext":{"runAsUser":1234,"runAsGroup":4321},
              "volumeMounts":[{"name":"scratch","mountPath":"/scratch"}]}],
             "volumes":[{"name":"scratch","emptyDir":{}}]}
            """);
        var uid = pod.Metadata!.Uid!;
        manager.Upsert(pod);
        var status = await harness.WaitForStatusAsync(pod, s => s.Phase == "Running" && s.ContainerStatuses![0].Ready == true);

        Assert.StartsWith(DockerPodsFixture.SubnetPrefix, status.PodIP);
        Assert.Equal("10.77.0.11", status.HostIP);
        Assert.Equal("Burstable", status.QosClass);
        Assert.Equal("True", status.Conditions!.Single(c => c.Type == "Ready").Status);
        Assert.StartsWith("docker://", status.ContainerStatuses![0].ContainerID);
        Assert.NotNull(status.ContainerStatuses[0].State!.Running);

        var containers = await harness.ContainersAsync(pod);
        Assert.Equal(2, containers.Count);
        var sandbox = containers.Single(c => PodRuntimeHarness.NameOf(c) == $"k8s_POD_web_default_{uid}_0");
        var app = containers.Single(c => PodRuntimeHarness.NameOf(c) == $"k8s_app_web_default_{uid}_0");
        var labels = app["Config"]!["Labels"]!;
        Assert.Equal("web", labels[ContainerLabels.PodName]!.GetValue<string>());
        Assert.Equal("default", labels[ContainerLabels.PodNamespace]!.GetValue<string>());
        Assert.Equal(uid, labels[ContainerLabels.PodUid]!.GetValue<string>());
        Assert.Equal("app", labels[ContainerLabels.ContainerName]!.GetValue<string>());
        Assert.Equal(harness.Node, labels[ContainerLabels.Node]!.GetValue<string>());
        Assert.Equal(sandbox["Id"]!.GetValue<string>(), labels[ContainerLabels.SandboxId]!.GetValue<string>());
        Assert.Equal("podsandbox", sandbox["Config"]!["Labels"]![ContainerLabels.DockerType]!.GetValue<string>());
        Assert.Equal("container:" + sandbox["Id"]!.GetValue<string>(), app["HostConfig"]!["NetworkMode"]!.GetValue<string>());
        Assert.Equal(status.PodIP, sandbox["NetworkSettings"]!["Networks"]![DockerPodsFixture.NetworkName]!["IPAddress"]!.GetValue<string>());
        Assert.Equal(64L * 1024 * 1024, app["HostConfig"]!["Memory"]!.GetValue<long>());
        Assert.Equal(50_000, app["HostConfig"]!["CpuQuota"]!.GetValue<long>());
        Assert.Equal(102, app["HostConfig"]!["CpuShares"]!.GetValue<long>());

        var appId = app["Id"]!.GetValue<string>();
        await harness.WaitUntilAsync(async () => await PodRuntimeHarness.ExecAsync(appId, "cat", "/scratch/g") == "hello", "the expanded command's output");
        Assert.Equal("1234:4321", (await PodRuntimeHarness.ExecAsync(appId, "id", "-u")) + ":" + await PodRuntimeHarness.ExecAsync(appId, "id", "-g"));
        Assert.Equal("web", await PodRuntimeHarness.ExecAsync(appId, "hostname"));
        Assert.Contains("/scratch", await PodRuntimeHarness.ExecAsync(appId, "cat", "/proc/mounts"));
        Assert.Contains(harness.Events.Reasons(uid), r => r == "Started");
        Assert.Contains("Created container app", harness.Events.Messages(uid, "Created"));

        var found = await manager.FindContainerAsync("default", "web", null, previous: false, CancellationToken.None);
        Assert.Equal(appId, found!.ContainerId);
        Assert.Equal(status.PodIP, found.PodIp);
    }

    [Fact]
    public async Task HostNetworkPodReportsTheNodeIp()
    {
        await using var harness = new PodRuntimeHarness(fixture);
        var manager = await harness.StartManagerAsync();
        var pod = PodJson.Create("hostnet", """{"hostNetwork":true,"containers":[{"name":"app","image":"shim/busybox:1.35","command":["sleep","3600"]}]}""");
        manager.Upsert(pod);
        var status = await harness.WaitForStatusAsync(pod, s => s.Phase == "Running");
        Assert.Equal("10.77.0.11", status.PodIP);
        var sandbox = (await harness.ContainersAsync(pod)).Single(c => PodRuntimeHarness.NameOf(c).StartsWith("k8s_POD_", StringComparison.Ordinal));
        Assert.Equal("host", sandbox["HostConfig"]!["NetworkMode"]!.GetValue<string>());
    }

    [Fact]
    public async Task InitContainersRunInOrderBeforeTheApp()
    {
        await using var harness = new PodRuntimeHarness(fixture);
        var manager = await harness.StartManagerAsync();
        var pod = PodJson.Create("init", """
            {"initContainers":[
               {"name":"first","image":"shim/busybox:1.35","command":["sh","-c","echo first >> /work/order"],"volumeMounts":[{"name":"w","mountPath":"/work"}]},
               {"name":"second","image":"shim/busybox:1.35","command":["sh","-c","sleep 1; echo second >> /work/order"],"volumeMounts":[{"name":"w","mountPath":"/work"}]}],
             "containers":[{"name":"app","image":"shim/busybox:1.35","command":["sh","-c","echo app >> /work/order; sleep 3600"],"volumeMounts":[{"name":"w","mountPath":"/work"}]}],
             "volumes":[{"name":"w","emptyDir":{}}]}
            """);
        manager.Upsert(pod);
        var status = await harness.WaitForStatusAsync(pod, s => s.Phase == "Running");
        Assert.All(status.InitContainerStatuses!, s => Assert.Equal("Completed", s.State!.Terminated!.Reason));
        Assert.Equal("True", status.Conditions!.Single(c => c.Type == "Initialized").Status);
        var app = (await harness.ContainersAsync(pod)).Single(c => PodRuntimeHarness.NameOf(c).StartsWith("k8s_app_", StringComparison.Ordinal));
        string order = "";
        await harness.WaitUntilAsync(async () => (order = await PodRuntimeHarness.ExecAsync(app["Id"]!.GetValue<string>(), "cat", "/work/order")).Contains("app", StringComparison.Ordinal), "app line");
        Assert.Equal("first\nsecond\napp", order);
    }

    [Fact]
    public async Task NeverPodsSucceedOrFailWithExitCodesAndMessages()
    {
        await using var harness = new PodRuntimeHarness(fixture);
        var manager = await harness.StartManagerAsync();
        var ok = PodJson.Create("ok", """{"restartPolicy":"Never","containers":[{"name":"app","image":"shim/busybox:1.35","command":["true"]}]}""");
        var bad = PodJson.Create("bad", """
            {"restartPolicy":"Never","containers":[{"name":"app","image":"shim/busybox:1.35","command":["sh","-c","echo broken > /dev/termination-log; exit 3"]}]}
            """);
        manager.Upsert(ok);
        manager.Upsert(bad);
        var succeeded = await harness.WaitForStatusAsync(ok, s => s.Phase == "Succeeded");
        Assert.Equal(0, succeeded.ContainerStatuses![0].State!.Terminated!.ExitCode);
        Assert.Equal("Completed", succeeded.ContainerStatuses[0].State!.Terminated!.Reason);
        var failed = await harness.WaitForStatusAsync(bad, s => s.Phase == "Failed");
        var terminated = failed.ContainerStatuses![0].State!.Terminated!;
        Assert.Equal(3, terminated.ExitCode);
        Assert.Equal("Error", terminated.Reason);
        Assert.Equal("broken\n", terminated.Message);
        // Finished pods keep their stopped containers so logs stay readable.
        Assert.Contains(await harness.ContainersAsync(bad), c => PodRuntimeHarness.NameOf(c).StartsWith("k8s_app_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CrashingContainerBacksOffWithGrowingRestartCount()
    {
        await using var harness = new PodRuntimeHarness(fixture);
        // Long enough that a sync inside the back-off window (which reports CrashLoopBackOff) happens on a busy machine.
        harness.Options = harness.Options with { BackoffBase = TimeSpan.FromSeconds(1) };
        var manager = await harness.StartManagerAsync();
        var pod = PodJson.Create("crash", """{"containers":[{"name":"app","image":"shim/busybox:1.35","command":["sh","-c","exit 1"]}]}""");
        var uid = pod.Metadata!.Uid!;
        manager.Upsert(pod);
        var status = await harness.WaitForStatusAsync(pod, s => s.ContainerStatuses![0].RestartCount >= 3, TimeSpan.FromSeconds(60));
        Assert.Equal("Running", status.Phase);
        Assert.Contains(harness.Status.History(uid), s => s.ContainerStatuses![0].State!.Waiting?.Reason == "CrashLoopBackOff"
            && s.ContainerStatuses[0].State!.Waiting!.Message!.Contains($"restarting failed container=app pod=crash_default({uid})", StringComparison.Ordinal));
        Assert.Contains($"Back-off restarting failed container app in pod crash_default({uid})", harness.Events.Messages(uid, "BackOff"));
        // Only the current and the previous attempt are kept (collected at the end of the sync after the status write).
        await harness.WaitUntilAsync(
            async () => (await harness.ContainersAsync(pod)).Count(c => PodRuntimeHarness.NameOf(c).StartsWith("k8s_app_", StringComparison.Ordinal)) <= 2,
            "at most two attempts of app");
    }

    [Fact]
    public async Task NeverPullPolicyWithAMissingImageWaitsWithErrImageNeverPull()
    {
        await using var harness = new PodRuntimeHarness(fixture);
        var manager = await harness.StartManagerAsync();
        var pod = PodJson.Create("never", """{"containers":[{"name":"app","image":"shim/absent:0.1","imagePullPolicy":"Never"}]}""");
        manager.Upsert(pod);
        var status = await harness.WaitForStatusAsync(pod, s => s.ContainerStatuses![0].State!.Waiting?.Reason == "ErrImageNeverPull");
        Assert.Equal("Pending", status.Phase);
        Assert.Equal("Container image \"shim/absent:0.1\" is not present with pull policy of Never", status.ContainerStatuses![0].State!.Waiting!.Message);
    }
}
