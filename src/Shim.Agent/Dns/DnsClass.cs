namespace Shim.Agent.Dns;

/// <summary>Record classes (RFC 1035 3.2.4); the cluster zone only exists in IN.</summary>
public static class DnsClass
{
    public const ushort Internet = 1;

    public const ushort Any = 255;
}
