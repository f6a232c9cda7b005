namespace Shim.Agent.Dns;

/// <summary>How a query arrived: it decides the answer's size limit and how a forwarded query travels.</summary>
public enum DnsTransport
{
    Udp,
    Tcp,
}
