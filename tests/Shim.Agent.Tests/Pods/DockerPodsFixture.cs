using System.Diagnostics;
using System.Text.Json.Nodes;
using Shim.Docker;

namespace Shim.Agent.Tests.Pods;

/// <summary>
/// The real dockerd with the node images (built by scripts/build-images.sh when absent) and a test network with its
/// own subnet for pod IPs; shared by the pod runtime tests.
/// </summary>
public sealed class DockerPodsFixture : IAsyncLifetime
{
    public const string NetworkName = "shim-test-pods";
    public const string SubnetPrefix = "10.213.";
    public const string Busybox = "shim/busybox:1.35";
    public const string Pause = "shim/pause:3.10";

    public IDockerClient Docker { get; } = new DockerClient("unix:///var/run/docker.sock");

    public async Task InitializeAsync()
    {
        if (await Docker.InspectImageAsync(Busybox, CancellationToken.None) is null || await Docker.InspectImageAsync(Pause, CancellationToken.None) is null)
        {
            var script = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, FindRepoRoot(), "scripts", "build-images.sh"));
            using var process = Process.Start(new ProcessStartInfo("bash", script) { RedirectStandardError = true }) ?? throw new InvalidOperationException("cannot run build-images.sh");
            await process.WaitForExitAsync();
        }

        if (await Docker.InspectNetworkAsync(NetworkName, CancellationToken.None) is null)
        {
            try
            {
                await Docker.CreateNetworkAsync(new JsonObject
                {
                    ["Name"] = NetworkName,
                    ["Driver"] = "bridge",
                    ["IPAM"] = new JsonObject { ["Config"] = new JsonArray(new JsonObject { ["Subnet"] = SubnetPrefix + "0.0/16" }) },
                }, CancellationToken.None);
            }
            catch (DockerException e) when (e.IsConflict)
            {
                // Another test run created it meanwhile.
            }
        }
    }

    public Task DisposeAsync()
    {
        // The network stays: concurrent test runs share it and removing it under them would break their pods.
        Docker.Dispose();
        return Task.CompletedTask;
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Shim.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? "/work/main";
    }
}
