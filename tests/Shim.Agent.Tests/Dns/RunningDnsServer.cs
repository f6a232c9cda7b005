using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Shim.Agent.Dns;
using Shim.Agent.Services;

namespace Shim.Agent.Tests.Dns;

/// <summary>A <see cref="ClusterDnsServer"/> on a loopback address, with a resolv.conf of the test's own.</summary>
internal sealed class RunningDnsServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task _running;
    private readonly string _resolvConf;

    private RunningDnsServer(ClusterDnsServer server, IPEndPoint endpoint, Task running, CancellationTokenSource stop, string resolvConf)
    {
        Server = server;
        Endpoint = endpoint;
        _running = running;
        _stop = stop;
        _resolvConf = resolvConf;
    }

    public ClusterDnsServer Server { get; }

    public IPEndPoint Endpoint { get; }

    /// <summary>Starts a server listening on <paramref name="listen"/>:<paramref name="port"/> (0: any free port).</summary>
    public static async Task<RunningDnsServer> StartAsync(
        IServiceCatalog catalog,
        IEnumerable<IPAddress> nameservers,
        ClusterDnsOptions? options = null,
        IPAddress? listen = null,
        int port = 0)
    {
        var resolvConf = Path.GetTempFileName();
        await File.WriteAllLinesAsync(resolvConf, ["# test resolv.conf", "search example.test", .. nameservers.Select(n => $"nameserver {n}"), "options ndots:5"]);
        var server = new ClusterDnsServer(
            (options ?? new ClusterDnsOptions()) with { ResolvConf = resolvConf },
            catalog,
            NullLogger<ClusterDnsServer>.Instance,
            TimeProvider.System);
        var stop = new CancellationTokenSource();
        var running = server.RunAsync(listen ?? IPAddress.Loopback, port, stop.Token);
        var endpoint = await server.Listening.WaitAsync(TimeSpan.FromSeconds(10));
        return new RunningDnsServer(server, endpoint, running, stop, resolvConf);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running.WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
        File.Delete(_resolvConf);
    }
}
