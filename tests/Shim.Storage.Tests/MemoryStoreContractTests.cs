namespace Shim.Storage.Tests;

public sealed class MemoryStoreContractTests : StoreContractTests
{
    protected override Task<IStore> CreateStoreAsync() => Task.FromResult<IStore>(new MemoryStore());
}
