namespace Shim.Streaming.RemoteCommand;

/// <summary>Runs the target and turns its outcome into the error-stream payload of the negotiated protocol.</summary>
internal static class TargetRunner
{
    /// <summary>The status payload to send (null: nothing to send, or the client is gone).</summary>
    public static async Task<byte[]?> RunAsync(
        IRemoteCommandTarget target, RemoteCommandStreams streams, RemoteCommandProtocol protocol, CancellationToken sessionEnded)
    {
        try
        {
            var exitCode = await target.RunAsync(streams, sessionEnded).ConfigureAwait(false);
            return ExitStatus.ForExitCode(exitCode, protocol);
        }
        catch (OperationCanceledException) when (sessionEnded.IsCancellationRequested)
        {
            return null;
        }
        catch (RemoteCommandException error)
        {
            return ExitStatus.ForError(error.Message, protocol);
        }
        catch (IOException) when (sessionEnded.IsCancellationRequested)
        {
            return null; // writing to a client that went away
        }
#pragma warning disable CA1031 // Any target failure is reported to the client instead of tearing down the host's request.
        catch (Exception error)
#pragma warning restore CA1031
        {
            return ExitStatus.ForError(error.Message, protocol);
        }
    }
}
