namespace Shim.Docker.Tests;

public sealed class DockerEndpointTests
{
    [Fact]
    public void A_unix_endpoint_is_a_socket_path()
    {
        var endpoint = DockerEndpoint.Parse("unix:///run/lab/h1/docker.sock");

        Assert.True(endpoint.IsUnix);
        Assert.Equal("/run/lab/h1/docker.sock", endpoint.SocketPath);
        Assert.Null(endpoint.Host);
    }

    [Theory]
    [InlineData("tcp://10.77.0.11:2375", false, "10.77.0.11", 2375)]
    [InlineData("tcp://docker-host.example:12345/", false, "docker-host.example", 12345)]
    [InlineData("tcp://10.77.0.11", false, "10.77.0.11", 2375)]
    [InlineData("tcp://10.77.0.11", true, "10.77.0.11", 2376)]
    [InlineData("tcp://[::1]:2376", true, "::1", 2376)]
    [InlineData("TCP://[fd00::5]", false, "fd00::5", 2375)]
    public void A_tcp_endpoint_is_a_host_and_port(string text, bool tls, string host, int port)
    {
        var endpoint = DockerEndpoint.Parse(text, tls);

        Assert.False(endpoint.IsUnix);
        Assert.Equal(host, endpoint.Host);
        Assert.Equal(port, endpoint.Port);
        Assert.Equal(text, endpoint.ToString());
    }

    [Theory]
    [InlineData("http://localhost:2375")]
    [InlineData("unix://relative.sock")]
    [InlineData("tcp://")]
    [InlineData("tcp://host:0")]
    [InlineData("tcp://host:99999")]
    [InlineData("tcp://host:port")]
    [InlineData("tcp://host:2375/path")]
    [InlineData("tcp://[::1")]
    [InlineData("npipe:////./pipe/docker_engine")]
    public void Malformed_endpoints_are_refused(string text)
    {
        Assert.Throws<ArgumentException>(() => DockerEndpoint.Parse(text));
    }

    [Fact]
    public void Tls_is_refused_for_a_unix_socket()
    {
        Assert.Throws<ArgumentException>(() => new DockerClient("unix:///var/run/docker.sock", new DockerTlsOptions()));
    }

    [Fact]
    public void The_client_reports_its_endpoint()
    {
        using var client = new DockerClient("tcp://127.0.0.1:2375");

        Assert.Equal("tcp://127.0.0.1:2375", client.Endpoint);
    }
}
