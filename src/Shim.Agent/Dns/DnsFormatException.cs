namespace Shim.Agent.Dns;

/// <summary>A packet or name that does not follow the DNS wire format; answered with FORMERR.</summary>
public sealed class DnsFormatException : Exception
{
    public DnsFormatException()
    {
    }

    public DnsFormatException(string message)
        : base(message)
    {
    }

    public DnsFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
