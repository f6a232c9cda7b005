namespace Shim.Streaming.RemoteCommand;

/// <summary>
/// Thrown by an <see cref="IRemoteCommandTarget"/> for a failure that is not an exit code (container not running,
/// runtime error); the client is told "error: &lt;message&gt;" and exits 1.
/// </summary>
public sealed class RemoteCommandException : Exception
{
    public RemoteCommandException()
    {
    }

    public RemoteCommandException(string message) : base(message)
    {
    }

    public RemoteCommandException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
