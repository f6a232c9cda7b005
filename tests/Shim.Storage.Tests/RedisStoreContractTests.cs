namespace Shim.Storage.Tests;

/// <summary>The store contract against a real redis-server; every test gets its own key prefix on the shared server.</summary>
public sealed class RedisStoreContractTests(RedisServerFixture redis) : StoreContractTests, IClassFixture<RedisServerFixture>
{
    protected override async Task<IStore> CreateStoreAsync() =>
        await RedisStore.ConnectAsync(redis.Server.Endpoint, RedisServerFixture.NewPrefix(), CancellationToken.None);
}
