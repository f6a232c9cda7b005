namespace Shim.Api.Registry;

/// <summary>The transaction of a write no hook took part in.</summary>
public sealed class NoWriteTransaction : IWriteTransaction
{
    public static readonly NoWriteTransaction Instance = new();

    private NoWriteTransaction()
    {
    }

    public Task CommitAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RevertAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
