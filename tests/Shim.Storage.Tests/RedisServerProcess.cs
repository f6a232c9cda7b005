using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Shim.Storage.Tests;

/// <summary>
/// A redis-server child process on 127.0.0.1, started for tests and killed on dispose.
/// A missing binary is a test failure, not a skip: the Redis store must be tested against a real server.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly StringBuilder _output;

    private RedisServerProcess(Process process, StringBuilder output, int port)
    {
        _process = process;
        _output = output;
        Port = port;
    }

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts a server; with <paramref name="dataDirectory"/> it keeps an append-only file there, fsynced on every write.</summary>
    public static async Task<RedisServerProcess> StartAsync(string? dataDirectory = null, int? port = null)
    {
        var binary = FindBinary();
        // A probed free port can be taken by someone else before redis binds it; retry a few times.
        for (var attempt = 1; ; attempt++)
        {
            var chosen = port ?? FreePort();
            var server = Launch(binary, chosen, dataDirectory);
            try
            {
                await server.WaitUntilReadyAsync();
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3 && port is null && server.Output.Contains("Address already in use", StringComparison.Ordinal))
            {
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    public Task<object?> CommandAsync(CancellationToken cancellationToken, params string[] args) =>
        RespClient.CommandAsync(Port, cancellationToken, args);

    /// <summary>A clean SHUTDOWN (the server flushes its append-only file), then waits for the process to exit.</summary>
    public async Task ShutdownAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            await CommandAsync(timeout.Token, "SHUTDOWN");
        }
        catch (EndOfStreamException)
        {
            // The server closes the connection instead of replying when the shutdown succeeds.
        }
        catch (IOException)
        {
            // Same, observed as a reset.
        }

        await _process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>SHIM_REDIS_SERVER, when set, names the binary to use instead of searching PATH, /usr/bin and /usr/local/bin.</summary>
    private static string FindBinary()
    {
        var configured = Environment.GetEnvironmentVariable("SHIM_REDIS_SERVER");
        var candidates = string.IsNullOrEmpty(configured)
            ? (Environment.GetEnvironmentVariable("PATH") ?? "")
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Append("/usr/bin")
                .Append("/usr/local/bin")
                .Select(dir => Path.Combine(dir, "redis-server"))
            : [configured];
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                $"redis-server was not found ({(string.IsNullOrEmpty(configured) ? "searched PATH, /usr/bin and /usr/local/bin" : $"SHIM_REDIS_SERVER={configured}")}). " +
                "The RedisStore tests need a real Redis 7 server: install it with `apt-get install -y redis-server`.");
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static RedisServerProcess Launch(string binary, int port, string? dataDirectory)
    {
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--port");
        info.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add("--bind");
        info.ArgumentList.Add("127.0.0.1");
        info.ArgumentList.Add("--save");
        info.ArgumentList.Add("");
        info.ArgumentList.Add("--daemonize");
        info.ArgumentList.Add("no");
        info.ArgumentList.Add("--appendonly");
        if (dataDirectory is null)
        {
            info.ArgumentList.Add("no");
        }
        else
        {
            info.ArgumentList.Add("yes");
            info.ArgumentList.Add("--appendfsync");
            info.ArgumentList.Add("always");
            info.ArgumentList.Add("--dir");
            info.ArgumentList.Add(dataDirectory);
        }

        var output = new StringBuilder();
        var process = new Process { StartInfo = info };
        DataReceivedEventHandler capture = (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += capture;
        process.ErrorDataReceived += capture;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new RedisServerProcess(process, output, port);
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server on port {Port} exited with code {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                if (await CommandAsync(attempt.Token, "PING") is "PONG")
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or InvalidOperationException)
            {
                // Not listening yet, or still loading its data set.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"redis-server on port {Port} did not answer PING within {StartTimeout}:\n{Output}");
            }

            await Task.Delay(50);
        }
    }
}
