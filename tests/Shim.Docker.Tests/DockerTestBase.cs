using System.Text;
using System.Text.Json.Nodes;

namespace Shim.Docker.Tests;

/// <summary>
/// A client on the local dockerd, the test image, and containers named and labelled uniquely per test instance
/// (xunit makes one instance per test), removed afterwards.
/// </summary>
public abstract class DockerTestBase : IAsyncLifetime
{
    public const string LocalEndpoint = DockerEndpoint.DefaultUnixEndpoint;

    private readonly List<string> _containers = [];

    protected DockerClient Docker { get; } = new(LocalEndpoint);

    /// <summary>Value of the "shim.test" label on every container this test creates.</summary>
    protected string TestId { get; } = Guid.NewGuid().ToString("N")[..12];

    protected static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    public Task InitializeAsync() => TestImage.EnsureAsync();

    public async Task DisposeAsync()
    {
        foreach (var id in _containers)
        {
            await Docker.RemoveContainerAsync(id, force: true, removeVolumes: true, CancellationToken.None);
        }

        Docker.Dispose();
    }

    /// <summary>The create body for the test image running <paramref name="cmd"/>, labelled for this test.</summary>
    protected JsonObject Config(params string[] cmd) => new()
    {
        ["Image"] = TestImage.Name,
        ["Cmd"] = new JsonArray([.. cmd.Select(part => (JsonNode?)part)]),
        ["Labels"] = new JsonObject { ["shim.test"] = TestId },
        // Short stops: busybox sh as PID 1 ignores SIGTERM.
        ["StopTimeout"] = 1,
    };

    protected async Task<string> CreateAsync(JsonObject config, string? suffix = null)
    {
        var name = $"shimtest-{TestId}-{suffix ?? _containers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        var id = await Docker.CreateContainerAsync(name, config, Timeout());
        _containers.Add(id);
        return id;
    }

    protected async Task<string> RunAsync(params string[] cmd)
    {
        var id = await CreateAsync(Config(cmd));
        await Docker.StartContainerAsync(id, Timeout());
        return id;
    }

    /// <summary>Demultiplexes <paramref name="stream"/> to its end: (stdout, stderr) as text.</summary>
    protected static async Task<(string Stdout, string Stderr)> ReadOutputAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        await new MultiplexedStream(stream).CopyOutputToAsync(stdout, stderr, cancellationToken);
        return (Encoding.UTF8.GetString(stdout.ToArray()), Encoding.UTF8.GetString(stderr.ToArray()));
    }

    /// <summary>Reads a raw (TTY) stream to its end as text.</summary>
    protected static async Task<string> ReadAllTextAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Polls an exec until its process has ended (the stream can close a moment before dockerd records the exit).</summary>
    protected async Task<JsonObject> WaitExecEndedAsync(string execId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var exec = await Docker.InspectExecAsync(execId, Timeout());
            if (exec["Running"]!.GetValue<bool>() == false || DateTime.UtcNow > deadline)
            {
                return exec;
            }

            await Task.Delay(50);
        }
    }
}
