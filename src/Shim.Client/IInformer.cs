namespace Shim.Client;

/// <summary>What a component needs to run and await any informer.</summary>
public interface IInformer
{
    Task Synced { get; }

    Task RunAsync(CancellationToken cancellationToken);
}
