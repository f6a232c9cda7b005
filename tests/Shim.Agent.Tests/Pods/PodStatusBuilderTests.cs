using Shim.Agent.Pods;
using Shim.Model.Core.V1;

namespace Shim.Agent.Tests.Pods;

public sealed class PodStatusBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void RunningPodWithUnreadyContainerIsRunningButNotReady()
    {
        var pod = PodJson.Create("web", """{"containers":[{"name":"a","image":"i"},{"name":"b","image":"i"}]}""");
        var a = Running(pod, "a", 0, "id-a");
        var b = Running(pod, "b", 1, "id-b");
        var status = Build(pod, [Sandbox(pod), a, b, Exited(pod, "b", 0, "id-b0", 1)], ready: new() { ["id-b"] = false });
        Assert.Equal("Running", status.Phase);
        Assert.Equal("10.1.0.7", status.PodIP);
        Assert.Equal("BestEffort", status.QosClass);
        var ready = status.Conditions!.Single(c => c.Type == "Ready");
        Assert.Equal("False", ready.Status);
        Assert.Equal("ContainersNotReady", ready.Reason);
        Assert.Equal("containers with unready status: [b]", ready.Message);
        var bStatus = status.ContainerStatuses!.Single(s => s.Name == "b");
        Assert.Equal(1, bStatus.RestartCount);
        Assert.Equal("docker://id-b", bStatus.ContainerID);
        Assert.Equal(1, bStatus.LastState!.Terminated!.ExitCode);
        Assert.Equal("Error", bStatus.LastState.Terminated.Reason);
        Assert.True(status.ContainerStatuses!.Single(s => s.Name == "a").Ready);
        Assert.Equal("True", status.Conditions!.Single(c => c.Type == "PodReadyToStartContainers").Status);
    }

    [Theory]
    [InlineData("Never", 0, "Succeeded")]
    [InlineData("Never", 2, "Failed")]
    [InlineData("OnFailure", 0, "Succeeded")]
    [InlineData("OnFailure", 2, "Running")]
    [InlineData("Always", 0, "Running")]
    public void PhaseFollowsRestartPolicyOnceContainersExit(string policy, int exitCode, string phase)
    {
        var pod = PodJson.Create("job", $$"""{"restartPolicy":"{{policy}}","containers":[{"name":"a","image":"i"}]}""");
        var status = Build(pod, [Sandbox(pod), Exited(pod, "a", 0, "x", exitCode)]);
        Assert.Equal(phase, status.Phase);
        var terminated = status.ContainerStatuses![0].State!.Terminated!;
        Assert.Equal(exitCode, terminated.ExitCode);
        Assert.Equal(exitCode == 0 ? "Completed" : "Error", terminated.Reason);
        if (phase == "Succeeded")
        {
            Assert.Equal("PodCompleted", status.Conditions!.Single(c => c.Type == "Ready").Reason);
        }
    }

    [Fact]
    public void PendingInitContainersKeepPodPendingAndAppsPodInitializing()
    {
        var pod = PodJson.Create("web", """{"initContainers":[{"name":"i1","image":"i"},{"name":"i2","image":"i"}],"containers":[{"name":"a","image":"i"}]}""");
        var status = Build(pod, [Sandbox(pod), Exited(pod, "i1", 0, "x1", 0), Running(pod, "i2", 0, "x2")]);
        Assert.Equal("Pending", status.Phase);
        var initialized = status.Conditions!.Single(c => c.Type == "Initialized");
        Assert.Equal("False", initialized.Status);
        Assert.Equal("containers with incomplete status: [i2]", initialized.Message);
        Assert.Equal("PodInitializing", status.ContainerStatuses![0].State!.Waiting!.Reason);
        Assert.True(status.InitContainerStatuses![0].Ready);
    }

    [Fact]
    public void FailedInitContainerWithNeverFailsThePod()
    {
        var pod = PodJson.Create("web", """{"restartPolicy":"Never","initContainers":[{"name":"i1","image":"i"}],"containers":[{"name":"a","image":"i"}]}""");
        Assert.Equal("Failed", Build(pod, [Sandbox(pod), Exited(pod, "i1", 0, "x1", 1)]).Phase);
    }

    [Fact]
    public void WaitingReasonsAndTerminalPhaseStick()
    {
        var pod = PodJson.Create("web", """{"containers":[{"name":"a","image":"i","resources":{"limits":{"cpu":"1","memory":"1Gi"}}}]}""");
        var status = Build(pod, [Sandbox(pod), Exited(pod, "a", 3, "x", 1)], waiting: new() { ["a"] = new ContainerWaiting("CrashLoopBackOff", "back-off 40s") });
        Assert.Equal("Guaranteed", status.QosClass);
        Assert.Equal("CrashLoopBackOff", status.ContainerStatuses![0].State!.Waiting!.Reason);
        Assert.Equal(3, status.ContainerStatuses[0].RestartCount);
        Assert.Equal(1, status.ContainerStatuses[0].LastState!.Terminated!.ExitCode);

        var failed = PodStatusBuilder.Build(new PodStatusInputs
        {
            Pod = pod,
            Observation = new PodObservation([Sandbox(pod), Running(pod, "a", 0, "y")]),
            Now = Now,
            HostIp = "10.0.0.1",
            Previous = new PodStatus { Phase = "Failed", Reason = "DeadlineExceeded" },
        });
        Assert.Equal("Failed", failed.Phase);
        Assert.Equal("DeadlineExceeded", failed.Reason);
    }

    [Fact]
    public void TransitionTimesCarryOverWhileStatusIsUnchanged()
    {
        var pod = PodJson.Create("web", """{"containers":[{"name":"a","image":"i"}]}""");
        var first = Build(pod, [Sandbox(pod), Running(pod, "a", 0, "x")]);
        var second = PodStatusBuilder.Build(new PodStatusInputs
        {
            Pod = pod,
            Observation = new PodObservation([Sandbox(pod), Running(pod, "a", 0, "x")]),
            Now = Now.AddMinutes(5),
            HostIp = "10.0.0.1",
            PodIp = "10.1.0.7",
            Previous = first,
        });
        Assert.Equal(Now, second.Conditions!.Single(c => c.Type == "Ready").LastTransitionTime);
    }

    private static PodStatus Build(Pod pod, List<ObservedContainer> containers, Dictionary<string, bool>? ready = null, Dictionary<string, ContainerWaiting>? waiting = null) =>
        PodStatusBuilder.Build(new PodStatusInputs
        {
            Pod = pod,
            Observation = new PodObservation(containers),
            Now = Now,
            HostIp = "10.0.0.1",
            PodIp = "10.1.0.7",
            StartTime = Now,
            Ready = ready ?? [],
            Waiting = waiting ?? [],
        });

    private static ObservedContainer Sandbox(Pod pod) => Observed(pod, "POD", 0, "sb", "running", 0);

    private static ObservedContainer Running(Pod pod, string name, int attempt, string id) => Observed(pod, name, attempt, id, "running", 0);

    private static ObservedContainer Exited(Pod pod, string name, int attempt, string id, int exitCode) => Observed(pod, name, attempt, id, "exited", exitCode);

    private static ObservedContainer Observed(Pod pod, string name, int attempt, string id, string state, int exitCode) => new()
    {
        Id = id,
        Name = new DockerContainerName(name, pod.Metadata!.Name!, pod.Metadata.Namespace!, pod.Metadata.Uid!, attempt),
        Labels = new Dictionary<string, string> { [ContainerLabels.SandboxId] = "sb" },
        Status = state,
        ExitCode = exitCode,
        StartedAt = Now.AddMinutes(-1),
        FinishedAt = state == "exited" ? Now : null,
        ImageId = "sha256:abc",
        IpAddress = name == "POD" ? "10.1.0.7" : "",
    };
}
