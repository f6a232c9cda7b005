using System.Diagnostics;
using System.Globalization;
using Shim.Storage;

namespace Shim.Api.Tests.ServiceNetwork;

/// <summary>
/// A throwaway redis-server (no persistence) on 127.0.0.1 for tests that need one store shared by several API servers.
/// A missing binary fails the test: multi-server allocation must be proven against a real Redis.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;

    private RedisServer(Process process, int port)
    {
        _process = process;
        Endpoint = $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
    }

    public string Endpoint { get; }

    public static async Task<RedisServer> StartAsync()
    {
        var binary = new[] { Environment.GetEnvironmentVariable("SHIM_REDIS_SERVER"), "/usr/bin/redis-server", "/usr/local/bin/redis-server" }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p))
            ?? throw new InvalidOperationException("redis-server not found (install redis-server or set SHIM_REDIS_SERVER)");
        var port = ApiHost.FreePort();
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no" })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, port);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                await using var probe = await RedisStore.ConnectAsync(server.Endpoint, "probe:", CancellationToken.None);
                return server;
            }
            catch (RedisStoreConnectionException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    public Task<RedisStore> ConnectAsync(string prefix) => RedisStore.ConnectAsync(Endpoint, prefix, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
