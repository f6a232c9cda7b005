using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Shim.Agent.Pods;
using Shim.Docker;
using Shim.Model.Core.V1;

namespace Shim.Agent.Tests.Pods;

/// <summary>
/// One node's pod runtime against the real dockerd: a unique node name, a temporary pods root, recording fakes.
/// Disposal removes every container carrying this node's label.
/// </summary>
internal sealed class PodRuntimeHarness : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(45);

    private readonly List<PodManager> _managers = [];

    public PodRuntimeHarness(DockerPodsFixture fixture, string? nodeName = null)
    {
        Docker = fixture.Docker;
        Node = nodeName ?? "t-" + Guid.NewGuid().ToString("N")[..8];
        PodsRoot = Path.Combine(Path.GetTempPath(), "shim-pods-" + Node);
        Directory.CreateDirectory(PodsRoot);
        Options = new PodRuntimeOptions
        {
            NodeName = Node,
            NodeIp = "10.77.0.11",
            PodsRoot = PodsRoot,
            NetworkName = DockerPodsFixture.NetworkName,
            BackoffBase = TimeSpan.FromMilliseconds(200),
            BackoffMax = TimeSpan.FromSeconds(2),
            ResyncPeriod = TimeSpan.FromSeconds(1),
        };
    }

    public IDockerClient Docker { get; }

    public string Node { get; }

    public string PodsRoot { get; }

    public PodRuntimeOptions Options { get; set; }

    public RecordingStatusWriter Status { get; } = new();

    public RecordingEvents Events { get; } = new();

    public IClusterReader Cluster { get; set; } = new EmptyCluster();

    public async Task<PodManager> StartManagerAsync()
    {
        var manager = new PodManager(Docker, Cluster, Status, Events, Options, NullLoggerFactory.Instance, TimeProvider.System);
        _managers.Add(manager);
        await manager.StartAsync(CancellationToken.None);
        return manager;
    }

    /// <summary>Waits until the latest written status satisfies the condition; fails with the last status otherwise.</summary>
    public async Task<PodStatus> WaitForStatusAsync(Pod pod, Func<PodStatus, bool> condition, TimeSpan? timeout = null)
    {
        var uid = pod.Metadata!.Uid!;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < (timeout ?? DefaultTimeout))
        {
            if (Status.Latest(uid) is { } status && condition(status))
            {
                return status;
            }

            await Task.Delay(100);
        }

        var last = Status.Latest(uid);
        throw new TimeoutException($"status condition not reached; last: {(last is null ? "none" : Shim.Model.ModelJson.Serialize(last))}; events: {string.Join(" | ", Events.All.Where(e => e.Uid == uid).Select(e => $"{e.Reason}: {e.Message}"))}");
    }

    public async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < (timeout ?? DefaultTimeout))
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("timed out waiting for " + what);
    }

    /// <summary>Inspect results of a pod's containers on this node (sandbox included).</summary>
    public async Task<List<JsonObject>> ContainersAsync(Pod pod, string? node = null)
    {
        var labels = new Dictionary<string, string> { [ContainerLabels.PodUid] = pod.Metadata!.Uid!, [ContainerLabels.Node] = node ?? Node };
        var result = new List<JsonObject>();
        foreach (var summary in await Docker.ListContainersAsync(labels, all: true, CancellationToken.None))
        {
            if (await Docker.InspectContainerAsync(summary["Id"]!.GetValue<string>(), CancellationToken.None) is { } inspect)
            {
                result.Add(inspect);
            }
        }

        return result;
    }

    public static string NameOf(JsonObject inspect) => inspect["Name"]!.GetValue<string>().TrimStart('/');

    /// <summary>docker exec through the CLI: stdout, trimmed.</summary>
    public static async Task<string> ExecAsync(string containerId, params string[] command)
    {
        var info = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(containerId);
        foreach (var part in command)
        {
            info.ArgumentList.Add(part);
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output.Trim();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var manager in _managers)
        {
            await manager.DisposeAsync();
        }

        var labels = new Dictionary<string, string> { [ContainerLabels.Node] = Node };
        foreach (var summary in await Docker.ListContainersAsync(labels, all: true, CancellationToken.None))
        {
            await Docker.RemoveContainerAsync(summary["Id"]!.GetValue<string>(), force: true, removeVolumes: true, CancellationToken.None);
        }

        try
        {
            Directory.Delete(PodsRoot, recursive: true);
        }
        catch (IOException)
        {
            // A tmpfs emptyDir may still be mounted; the temp directory is disposable anyway.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
