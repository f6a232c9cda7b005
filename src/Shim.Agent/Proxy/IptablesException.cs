namespace Shim.Agent.Proxy;

/// <summary>An iptables tool could not be started or exited with an error; the message carries its stderr.</summary>
public sealed class IptablesException : Exception
{
    public IptablesException()
    {
    }

    public IptablesException(string message)
        : base(message)
    {
    }

    public IptablesException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
