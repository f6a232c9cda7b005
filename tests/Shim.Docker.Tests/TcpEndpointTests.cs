using System.Text;

namespace Shim.Docker.Tests;

/// <summary>tcp:// endpoints, plain and TLS with client certificates, against the real dockerd through <see cref="DockerdTcpProxy"/>.</summary>
public sealed class TcpEndpointTests : DockerTestBase
{
    [Fact]
    public async Task Plain_tcp_serves_requests_and_hijacked_exec_with_half_close()
    {
        await using var proxy = new DockerdTcpProxy();
        using var tcp = new DockerClient(proxy.Endpoint);

        await AssertSameDaemonAndCatWorksAsync(tcp);
    }

    [Fact]
    public async Task Tls_with_the_ca_and_a_client_certificate_serves_requests_and_hijacked_exec_with_half_close()
    {
        using var certificates = TestCertificates.Create();
        await using var proxy = new DockerdTcpProxy(certificates.Server);
        using var tls = new DockerClient(proxy.Endpoint, DockerTlsOptions.FromDirectory(certificates.Directory.FullName));

        await AssertSameDaemonAndCatWorksAsync(tls);

        Assert.Equal(certificates.ClientSubject, proxy.LastClientSubject);
    }

    [Fact]
    public async Task Tls_refuses_a_server_certificate_from_another_ca()
    {
        using var certificates = TestCertificates.Create();
        using var otherCa = TestCertificates.Create();
        await using var proxy = new DockerdTcpProxy(certificates.Server);
        var options = DockerTlsOptions.FromDirectory(certificates.Directory.FullName) with
        {
            CaCertificatePath = Path.Combine(otherCa.Directory.FullName, "ca.pem"),
        };
        using var client = new DockerClient(proxy.Endpoint, options);

        var request = await Assert.ThrowsAsync<DockerException>(() => client.InfoAsync(Timeout()));
        var hijack = await Assert.ThrowsAsync<DockerException>(() => client.StartExecAsync("0123456789abcdef", false, Timeout()));

        Assert.True(request.IsUnreachable);
        Assert.StartsWith($"cannot reach dockerd at {proxy.Endpoint}: ", request.Message, StringComparison.Ordinal);
        Assert.True(hijack.IsUnreachable);
    }

    private async Task AssertSameDaemonAndCatWorksAsync(DockerClient remote)
    {
        var remoteInfo = await remote.InfoAsync(Timeout());
        Assert.Equal((await Docker.InfoAsync(Timeout()))["ID"]!.ToString(), remoteInfo["ID"]!.ToString());

        var id = await RunAsync("sleep", "300");
        var execId = await remote.CreateExecAsync(id, new ExecConfig { Cmd = ["cat"], AttachStdin = true }, Timeout());
        await using var session = await remote.StartExecAsync(execId, tty: false, Timeout());
        await session.WriteAsync(Encoding.UTF8.GetBytes(remote.Endpoint), Timeout());
        await session.CloseWriteAsync(Timeout());
        var (stdout, _) = await ReadOutputAsync(session, Timeout());

        Assert.Equal(remote.Endpoint, stdout);
        Assert.Equal(0, (await WaitExecEndedAsync(execId))["ExitCode"]!.GetValue<int>());
    }
}
