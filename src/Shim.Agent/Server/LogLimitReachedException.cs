namespace Shim.Agent.Server;

/// <summary>Ends a log response once limitBytes have been written.</summary>
public sealed class LogLimitReachedException : Exception
{
    public LogLimitReachedException()
    {
    }

    public LogLimitReachedException(string message)
        : base(message)
    {
    }

    public LogLimitReachedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
