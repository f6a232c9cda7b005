using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Shim.Api.ServiceNetwork;

/// <summary>
/// The IPv4 range service cluster IPs come from (--service-cidr). As upstream's allocator, the network and broadcast
/// addresses are never handed out, so index 0 is the first address after the network (10.96.0.1 for 10.96.0.0/12).
/// </summary>
public sealed class ServiceIpRange
{
    private readonly uint _network;
    private readonly int _prefixLength;

    private ServiceIpRange(uint network, int prefixLength)
    {
        _network = network;
        _prefixLength = prefixLength;
        var addresses = 1L << (32 - prefixLength);
        Size = addresses - 2;
        Offset = StaticBandSize(addresses);
    }

    /// <summary>The canonical CIDR, as upstream prints it in "The range of valid IPs is ...".</summary>
    public string Cidr => $"{ToAddress(_network)}/{_prefixLength.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>How many addresses can be allocated.</summary>
    public long Size { get; }

    /// <summary>
    /// Indices below this form the band that random allocation tries last, leaving it to addresses asked for by
    /// value (upstream: min(max(16, size/16), 256) addresses; none for ranges of 16 addresses or fewer).
    /// </summary>
    public long Offset { get; }

    /// <summary>The kubernetes Service's address: the first allocatable one.</summary>
    public IPAddress First => AddressAt(0);

    /// <summary>Parses an IPv4 CIDR with a prefix length from 8 to 30; the address is masked to its network.</summary>
    public static ServiceIpRange Parse(string cidr)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(cidr[..slash], out var address) ||
            !int.TryParse(cidr[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
        {
            throw new ArgumentException($"service CIDR '{cidr}' is not a CIDR like 10.96.0.0/12");
        }

        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"service CIDR '{cidr}' is not IPv4: only IPv4 service ranges are supported");
        }

        if (prefix is < 8 or > 30)
        {
            throw new ArgumentException($"service CIDR '{cidr}': the prefix length must be between 8 and 30");
        }

        var mask = uint.MaxValue << (32 - prefix);
        return new ServiceIpRange(ToUInt(address) & mask, prefix);
    }

    /// <summary>The index of an allocatable address, or null when the address is outside the range (or its network/broadcast address).</summary>
    public long? IndexOf(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            return null;
        }

        var index = (long)ToUInt(address) - _network - 1;
        return index >= 0 && index < Size ? index : null;
    }

    public IPAddress AddressAt(long index) => ToAddress((uint)(_network + 1 + index));

    /// <summary>The network address plus <paramref name="n"/>: the 10th address is the default cluster DNS IP (10.96.0.10).</summary>
    public IPAddress NthAddress(int n) => ToAddress((uint)(_network + n));

    private static long StaticBandSize(long addresses)
    {
        const long Min = 16;
        const long Max = 256;
        const long Step = 16;
        return addresses <= Min ? 0 : Math.Clamp(addresses / Step, Min, Max);
    }

    private static uint ToUInt(IPAddress address) => BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes());

    private static IPAddress ToAddress(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes);
    }
}
