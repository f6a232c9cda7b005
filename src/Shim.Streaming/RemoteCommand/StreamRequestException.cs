namespace Shim.Streaming.RemoteCommand;

/// <summary>A streaming request that is malformed (answer it with HTTP 400 and this message).</summary>
public sealed class StreamRequestException : Exception
{
    public StreamRequestException()
    {
    }

    public StreamRequestException(string message) : base(message)
    {
    }

    public StreamRequestException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
