using Shim.Streaming.Tests.Host;

namespace Shim.Streaming.Tests.EndToEnd;

/// <summary>One fake API server and one echo server shared by the kubectl tests of a class.</summary>
public sealed class KubectlFixture : IAsyncLifetime
{
    public FakeApiServer Api { get; private set; } = null!;

    internal EchoServer Echo { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Api = await FakeApiServer.StartAsync();
        Echo = new EchoServer();
    }

    public async Task DisposeAsync()
    {
        await Echo.DisposeAsync();
        await Api.DisposeAsync();
    }
}
