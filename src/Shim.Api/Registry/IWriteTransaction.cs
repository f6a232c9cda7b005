namespace Shim.Api.Registry;

/// <summary>What a write hook did before the store write: committed when the write succeeds, reverted when it does not.</summary>
public interface IWriteTransaction
{
    Task CommitAsync(CancellationToken cancellationToken);

    Task RevertAsync(CancellationToken cancellationToken);
}
