namespace Shim.Agent.Tests.Pods;

[Collection(DockerPodsCollection.Name)]
public sealed class SandboxRecoveryDockerTests(DockerPodsFixture fixture)
{
    [Fact]
    public async Task ADeadSandboxIsReplacedAndContainersRestartInIt()
    {
        await using var harness = new PodRuntimeHarness(fixture);
        var manager = await harness.StartManagerAsync();
        var pod = PodJson.Create("phoenix", """{"containers":[{"name":"app","image":"shim/busybox:1.35","command":["sleep","3600"]}]}""");
        var uid = pod.Metadata!.Uid!;
        manager.Upsert(pod);
        await harness.WaitForStatusAsync(pod, s => s.Phase == "Running");
        var sandbox = (await harness.ContainersAsync(pod)).Single(c => PodRuntimeHarness.NameOf(c).StartsWith("k8s_POD_", StringComparison.Ordinal));
        await harness.Docker.KillContainerAsync(sandbox["Id"]!.GetValue<string>(), "SIGKILL", CancellationToken.None);

        var status = await harness.WaitForStatusAsync(pod, s => s.Phase == "Running" && s.ContainerStatuses![0].RestartCount == 1 && s.ContainerStatuses[0].State!.Running is not null);
        var names = (await harness.ContainersAsync(pod)).Select(PodRuntimeHarness.NameOf).ToList();
        Assert.Contains($"k8s_POD_phoenix_default_{uid}_1", names);
        Assert.Contains($"k8s_app_phoenix_default_{uid}_1", names);
        Assert.DoesNotContain($"k8s_POD_phoenix_default_{uid}_0", names);
        Assert.Contains("SandboxChanged", harness.Events.Reasons(uid));
        Assert.StartsWith(DockerPodsFixture.SubnetPrefix, status.PodIP);

        var previous = await manager.FindContainerAsync("default", "phoenix", "app", previous: true, CancellationToken.None);
        Assert.False(previous!.Running);
        Assert.NotEqual(previous.ContainerId, (await manager.FindContainerAsync("default", "phoenix", null, previous: false, CancellationToken.None))!.ContainerId);
    }
}
