using System.Diagnostics;
using Shim.Agent.Dns;
using Shim.Agent.Tests.Services;

namespace Shim.Agent.Tests.Dns;

/// <summary>A real client, busybox nslookup (the one in most pod images), asks the server on a loopback port.</summary>
public sealed class BusyboxNslookupTests
{
    [Fact]
    public async Task Busybox_resolves_a_service_a_headless_service_and_an_srv_name()
    {
        await using var running = await RunningDnsServer.StartAsync(DnsSample.Catalog(), []);
        var server = $"{running.Endpoint.Address}:{running.Endpoint.Port}";

        var service = await NslookupAsync("web.default.svc.cluster.local", server);
        Assert.Contains("Address: 10.96.0.20", service, StringComparison.Ordinal);

        var headless = await NslookupAsync("db.data.svc.cluster.local", server);
        Assert.Contains("Address: 10.244.1.10", headless, StringComparison.Ordinal);
        Assert.Contains("Address: 10.244.2.11", headless, StringComparison.Ordinal);
        Assert.DoesNotContain("10.244.2.12", headless, StringComparison.Ordinal);

        var srv = await NslookupAsync("-type=SRV _pg._tcp.db.data.svc.cluster.local", server);
        Assert.Contains("5432 db-0.db.data.svc.cluster.local", srv, StringComparison.Ordinal);
        Assert.Contains("5432 db-1.db.data.svc.cluster.local", srv, StringComparison.Ordinal);

        var missing = await NslookupAsync("nope.default.svc.cluster.local", server, expectSuccess: false);
        Assert.Contains("NXDOMAIN", missing, StringComparison.Ordinal);
    }

    private static async Task<string> NslookupAsync(string arguments, string server, bool expectSuccess = true)
    {
        using var process = Process.Start(new ProcessStartInfo("busybox", $"nslookup {arguments} {server}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        var text = await output + await error;
        Assert.True(!expectSuccess || process.ExitCode == 0, $"busybox nslookup {arguments} exited {process.ExitCode}: {text}");
        return text;
    }
}
