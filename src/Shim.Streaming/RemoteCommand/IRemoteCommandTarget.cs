namespace Shim.Streaming.RemoteCommand;

/// <summary>What an exec or attach session runs against (e.g. a Docker exec), once the client's streams are set up.</summary>
public interface IRemoteCommandTarget
{
    /// <summary>
    /// Runs the command, pumping <paramref name="streams"/>, and returns its exit code (0–255). Throw
    /// <see cref="RemoteCommandException"/> for failures that are not exit codes. <paramref name="cancellationToken"/> is
    /// cancelled when the client goes away.
    /// </summary>
    Task<int> RunAsync(RemoteCommandStreams streams, CancellationToken cancellationToken);
}
