using System.Net;
using System.Net.Sockets;
using Shim.Agent.Pods.Probes;
using Shim.Model;
using Shim.Model.Core.V1;

namespace Shim.Agent.Tests.Probes;

public sealed class TcpSocketProbeTests
{
    [Fact]
    public async Task OpenPortSucceeds()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var outcome = await ProbeAsync(new TCPSocketAction { Port = IntOrString.FromInt32(port) });

        Assert.Equal(new ProbeOutcome(true, ""), outcome);
    }

    [Fact]
    public async Task ClosedPortFailsWithConnectionRefused()
    {
        var port = HttpGetProbeTests.ClosedPort();

        var outcome = await ProbeAsync(new TCPSocketAction { Port = IntOrString.FromInt32(port) });

        Assert.Equal(new ProbeOutcome(false, $"dial tcp 127.0.0.1:{port}: connect: connection refused"), outcome);
    }

    [Fact]
    public async Task NamedPortResolvesFromTheContainerPorts()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var outcome = await ProbeRunner.ProbeAsync(
            new Probe { TcpSocket = new TCPSocketAction { Port = IntOrString.FromString("db") }, TimeoutSeconds = HttpGetProbeTests.GenerousTimeoutSeconds },
            ProbeContexts.Loopback(new ContainerPort { Name = "db", ContainerPortValue = port }),
            CancellationToken.None);

        Assert.True(outcome.Success, outcome.Message);
    }

    [Fact]
    public async Task UnknownNamedPortFails()
    {
        var outcome = await ProbeAsync(new TCPSocketAction { Port = IntOrString.FromString("db") });

        Assert.False(outcome.Success);
        Assert.Contains("db", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrpcProbeFailsAsUnsupported()
    {
        var outcome = await ProbeRunner.ProbeAsync(new Probe { Grpc = new GRPCAction { Port = 9000 } }, ProbeContexts.Loopback(), CancellationToken.None);

        Assert.Equal(new ProbeOutcome(false, "gRPC probes are not supported"), outcome);
    }

    [Fact]
    public async Task ProbeWithoutAnActionFails()
    {
        var outcome = await ProbeRunner.ProbeAsync(new Probe(), ProbeContexts.Loopback(), CancellationToken.None);

        Assert.Equal(new ProbeOutcome(false, "missing probe handler for web_probes(0f1e2d3c):app"), outcome);
    }

    private static Task<ProbeOutcome> ProbeAsync(TCPSocketAction action) =>
        ProbeRunner.ProbeAsync(new Probe { TcpSocket = action, TimeoutSeconds = HttpGetProbeTests.GenerousTimeoutSeconds }, ProbeContexts.Loopback(), CancellationToken.None);
}
