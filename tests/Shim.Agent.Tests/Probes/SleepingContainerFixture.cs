using System.Text.Json.Nodes;
using Shim.Docker;

namespace Shim.Agent.Tests.Probes;

/// <summary>
/// One running shim/busybox:1.35 container (sleeping) on the real dockerd, shared by a test class and removed after.
/// The image comes from scripts/build-images.sh.
/// </summary>
public sealed class SleepingContainerFixture : IAsyncLifetime
{
    public const string Image = "shim/busybox:1.35";

    public IDockerClient Docker { get; } = new DockerClient("unix:///var/run/docker.sock");

    public string ContainerId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (await Docker.InspectImageAsync(Image, CancellationToken.None) is null)
        {
            throw new InvalidOperationException($"image {Image} is missing: run scripts/build-images.sh");
        }

        var config = new JsonObject
        {
            ["Image"] = Image,
            ["Cmd"] = new JsonArray("sleep", "3600"),
            ["Labels"] = new JsonObject { ["shim.test"] = "probes" },
            ["HostConfig"] = new JsonObject { ["NetworkMode"] = "none" },
        };
        ContainerId = await Docker.CreateContainerAsync($"shim-probes-test-{Guid.NewGuid():N}", config, CancellationToken.None);
        await Docker.StartContainerAsync(ContainerId, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (ContainerId.Length > 0)
        {
            await Docker.RemoveContainerAsync(ContainerId, force: true, removeVolumes: true, CancellationToken.None);
        }

        Docker.Dispose();
    }
}
