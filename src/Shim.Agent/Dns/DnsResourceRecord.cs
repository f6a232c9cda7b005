using System.Net;
using System.Net.Sockets;

namespace Shim.Agent.Dns;

/// <summary>
/// One resource record. <paramref name="Name"/> is in presentation form without the final dot; for OPT records
/// <paramref name="Class"/> and <paramref name="Ttl"/> carry the EDNS fields (see <see cref="DnsEdns"/>).
/// </summary>
public sealed record DnsResourceRecord(string Name, DnsType Type, ushort Class, uint Ttl, DnsRecordData Data)
{
    /// <summary>An A or AAAA record, whichever the address's family calls for.</summary>
    public static DnsResourceRecord Address(string name, IPAddress address, uint ttl) => new(
        name,
        address.AddressFamily == AddressFamily.InterNetworkV6 ? DnsType.AAAA : DnsType.A,
        DnsClass.Internet,
        ttl,
        new DnsAddressData(address));
}
