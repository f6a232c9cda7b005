using System.Diagnostics;
using System.Text;

namespace Shim.Conformance;

/// <summary>A real <c>shim server</c> process on a loopback port, with its own data directory.</summary>
public sealed class ShimServer : IDisposable
{
    private readonly string _store;
    private readonly StringBuilder _log = new();
    private Process? _process;

    private readonly string[] _extraArgs;

    public ShimServer(string store, params string[] extraArgs)
        : this(store, "127.0.0.1", ["--disable-agent", .. extraArgs])
    {
    }

    /// <summary>A server on <paramref name="bindAddress"/>; <paramref name="args"/> are all further arguments (no --disable-agent implied).</summary>
    public ShimServer(string store, string bindAddress, string[] args)
    {
        _store = store;
        _extraArgs = args;
        BindAddress = bindAddress;
        Port = Ports.Free();
        DataDir = Directory.CreateTempSubdirectory("shim-server-").FullName;
        Start();
    }

    public int Port { get; }
    public string DataDir { get; }
    public string Kubeconfig => Path.Combine(DataDir, "kubeconfig.yaml");
    public string BindAddress { get; }
    public string BaseUrl => $"https://{BindAddress}:{Port}";

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public void Start()
    {
        var shim = Path.Combine(AppContext.BaseDirectory, "shim.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { shim, "server", "--data-dir", DataDir, "--port", Port.ToString(), "--store", _store, "--bind-address", BindAddress }.Concat(_extraArgs))
        {
            info.ArgumentList.Add(a);
        }

        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        WaitReady();
    }

    public void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process?.Dispose();
        _process = null;
    }

    public void Restart()
    {
        Stop();
        Start();
    }

    public void Dispose()
    {
        Stop();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void WaitReady()
    {
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true });
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"shim server exited with {_process.ExitCode}:\n{Log}");
            }

            try
            {
                if (http.GetAsync($"{BaseUrl}/readyz").Result.IsSuccessStatusCode && File.Exists(Kubeconfig))
                {
                    return;
                }
            }
            catch (AggregateException)
            {
            }

            Thread.Sleep(100);
        }

        throw new TimeoutException($"shim server not ready after 60 s:\n{Log}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
