namespace Shim.Docker.Tests;

public sealed class UnreachableTests
{
    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    [Fact]
    public async Task A_missing_unix_socket_is_reported_as_unreachable_with_the_reason()
    {
        var endpoint = $"unix:///tmp/shim-absent-{Guid.NewGuid():N}.sock";
        using var client = new DockerClient(endpoint);

        var info = await Assert.ThrowsAsync<DockerException>(() => client.InfoAsync(Timeout()));
        var attach = await Assert.ThrowsAsync<DockerException>(() => client.AttachAsync("x", true, true, true, false, Timeout()));

        Assert.True(info.IsUnreachable);
        Assert.Equal(0, info.StatusCode);
        Assert.StartsWith($"cannot reach dockerd at {endpoint}: ", info.Message, StringComparison.Ordinal);
        Assert.EndsWith(".sock does not exist", info.Message, StringComparison.Ordinal);
        Assert.True(attach.IsUnreachable);
        Assert.StartsWith($"cannot reach dockerd at {endpoint}: ", attach.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_closed_tcp_port_is_reported_as_unreachable_with_the_reason()
    {
        using var client = new DockerClient("tcp://127.0.0.1:1");

        var error = await Assert.ThrowsAsync<DockerException>(() => client.VersionAsync(Timeout()));

        Assert.True(error.IsUnreachable);
        Assert.Equal("cannot reach dockerd at tcp://127.0.0.1:1: Connection refused", error.Message);
    }
}
