using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Shim.Docker.Tests;

/// <summary>
/// A throwaway registry (Debian's docker-registry, distribution 2.x) on a free loopback port holding the test image
/// as <c>127.0.0.1:PORT/shimtest/busybox:latest</c> and <c>:v1</c>. dockerd treats 127.0.0.0/8 registries as
/// insecure, so plain HTTP works without daemon configuration.
/// </summary>
public sealed class LocalRegistry : IAsyncLifetime
{
    private const string Binary = "/usr/bin/docker-registry";
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("shim-registry-");
    private Process? _process;

    public string Host { get; private set; } = "";

    public string Repository => $"{Host}/shimtest/busybox";

    public async Task InitializeAsync()
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: apt-get install -y docker-registry");
        }

        await TestImage.EnsureAsync();
        Host = $"127.0.0.1:{FreePort().ToString(CultureInfo.InvariantCulture)}";
        var config = Path.Combine(_root.FullName, "config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: error
            storage:
              filesystem:
                rootdirectory: {Path.Combine(_root.FullName, "data")}
            http:
              addr: {Host}
            """);
        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add(config);
        _process = Process.Start(start) ?? throw new InvalidOperationException("cannot start docker-registry");
        // Drain its output so a chatty registry never blocks on a full pipe.
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilServingAsync();

        foreach (var tag in new[] { "latest", "v1" })
        {
            await TestImage.DockerCliAsync("tag", TestImage.Name, $"{Repository}:{tag}");
            await TestImage.DockerCliAsync("push", "-q", $"{Repository}:{tag}");
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
            _process.Dispose();
        }

        // Drop the registry's local names: tags first, then digest references an untagged image may still carry.
        foreach (var format in new[] { "{{.Repository}}:{{.Tag}}", "{{.Repository}}@{{.Digest}}" })
        {
            var references = await TestImage.DockerCliAsync("images", "--digests", "--format", format, Repository);
            foreach (var reference in references.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(r => !r.Contains("<none>", StringComparison.Ordinal)).Distinct())
            {
                await TestImage.DockerCliAsync("rmi", reference);
            }
        }

        _root.Delete(recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitUntilServingAsync()
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://{Host}/v2/"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !_process!.HasExited)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }
    }
}
