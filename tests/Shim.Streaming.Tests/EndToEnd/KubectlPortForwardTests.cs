using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Shim.Streaming.Tests.Host;

namespace Shim.Streaming.Tests.EndToEnd;

/// <summary>Real kubectl port-forward (SPDY, and SPDY tunnelled in WebSocket) to a loopback echo server.</summary>
public sealed class KubectlPortForwardTests : IClassFixture<KubectlFixture>
{
    private readonly KubectlFixture _fixture;

    public KubectlPortForwardTests(KubectlFixture fixture)
    {
        _fixture = fixture;
    }

    [Theory]
    [MemberData(nameof(KubectlVariant.Names), MemberType = typeof(KubectlVariant))]
    public async Task PortForwardEchoesOverSeveralConnections(string variantName)
    {
        var variant = KubectlVariant.All[variantName];
        if (!variant.IsInstalled)
        {
            return;
        }
        var localPort = FreePort();
        var start = KubectlRunner.StartInfo(variant.Binary, _fixture.Api.BaseAddress, variant.Environment,
            "port-forward", "--address", "127.0.0.1", "pod/p1", $"{localPort}:{_fixture.Echo.Port}");
        // kubectl's output is not read: waiting on its stdout pipe under the test runner proved unreliable
        // (the line arrived tens of seconds late); readiness is polled on the local port instead.
        start.RedirectStandardOutput = false;
        start.RedirectStandardError = false;
        start.RedirectStandardInput = false;
        using var kubectl = Process.Start(start)!;
        try
        {
            await WaitUntilListeningAsync(localPort, kubectl);
            for (var round = 0; round < 3; round++)
            {
                var message = $"hello {round} " + new string('x', round * 100_000) + "\n";
                Assert.Equal(message, await EchoThroughAsync(localPort, message));
            }
            // Two connections at once share the SPDY connection.
            var concurrent = await Task.WhenAll(EchoThroughAsync(localPort, "first\n"), EchoThroughAsync(localPort, "second\n"));
            Assert.Equal(["first\n", "second\n"], concurrent);
            Assert.False(kubectl.HasExited, "kubectl port-forward ended during the test");
            var last = _fixture.Api.StreamingRequests.Last(request => request.Contains("/portforward", StringComparison.Ordinal));
            Assert.EndsWith(variant.ExpectedUpgrade, last, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            if (!kubectl.HasExited)
            {
                kubectl.Kill();
            }
            await kubectl.WaitForExitAsync();
        }
    }

    private static async Task WaitUntilListeningAsync(int port, Process kubectl)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            Assert.False(kubectl.HasExited, "kubectl port-forward exited before listening");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private static async Task<string> EchoThroughAsync(int port, string message)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        var stream = client.GetStream();
        var bytes = Encoding.UTF8.GetBytes(message);
        var send = Task.Run(async () =>
        {
            await stream.WriteAsync(bytes, timeout.Token);
            client.Client.Shutdown(SocketShutdown.Send);
        });
        using var received = new MemoryStream();
        await stream.CopyToAsync(received, timeout.Token);
        await send;
        return Encoding.UTF8.GetString(received.ToArray());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
