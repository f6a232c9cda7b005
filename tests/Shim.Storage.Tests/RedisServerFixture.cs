namespace Shim.Storage.Tests;

/// <summary>One throwaway redis-server (no persistence) shared by a test class; each test isolates itself by key prefix.</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServerProcess? _server;

    public RedisServerProcess Server => _server ?? throw new InvalidOperationException("the Redis fixture has not started");

    public async Task InitializeAsync() => _server = await RedisServerProcess.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A key prefix no other test uses.</summary>
    public static string NewPrefix() => $"test:{Guid.NewGuid():N}:";
}
