using System.Diagnostics;
using System.Net.Sockets;

namespace Shim.Conformance;

/// <summary>A redis-server of the test's own on a loopback port, with append-only persistence so restarts keep state.</summary>
public sealed class RedisServer : IDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    public RedisServer()
    {
        Port = Ports.Free();
        _dir = Directory.CreateTempSubdirectory("shim-redis-").FullName;
        var info = new ProcessStartInfo(Tools.RedisServer)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "--bind", "127.0.0.1", "--port", Port.ToString(), "--save", "", "--appendonly", "yes", "--dir", _dir })
        {
            info.ArgumentList.Add(a);
        }

        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var client = new TcpClient("127.0.0.1", Port);
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
    }

    public int Port { get; }

    public string Url(string prefix) => $"redis://127.0.0.1:{Port}/{prefix}";

    public void Dispose()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
