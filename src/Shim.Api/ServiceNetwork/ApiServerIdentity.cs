using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Shim.Api.ServiceNetwork;

/// <summary>
/// The identity Lease of an API server in kube-system, as upstream's APIServerIdentity: named "apiserver-" + the
/// lowercase unpadded base32 of the first 16 bytes of a SHA-256, labelled apiserver.kubernetes.io/identity=kube-apiserver.
/// Upstream hashes the host name and "kube-apiserver"; the advertised address:port is hashed too here, because
/// several API servers may share a host (the lab, tests) and each needs its own lease.
/// </summary>
public static class ApiServerIdentity
{
    public const string IdentityLabel = "apiserver.kubernetes.io/identity";
    public const string IdentityValue = "kube-apiserver";
    public const string HostnameLabel = "kubernetes.io/hostname";

    /// <summary>Where the lease carries the server's address:port (upstream's peer proxy annotation).</summary>
    public const string AdvertiseAddressAnnotation = "kubernetes.io/peer-advertise-address";

    private const string Base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string LeaseName(string hostname, IPAddress advertiseAddress, int port)
    {
        var data = new List<byte>();
        foreach (var part in new[] { hostname, IdentityValue, AddressAndPort(advertiseAddress, port) })
        {
            var bytes = Encoding.UTF8.GetBytes(part);
            var length = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)bytes.Length);
            data.AddRange(length);
            data.AddRange(bytes);
        }

        return "apiserver-" + Base32(SHA256.HashData(data.ToArray()).AsSpan(0, 16));
    }

    /// <summary>"10.0.0.1:6443", "[fd00::1]:6443".</summary>
    public static string AddressAndPort(IPAddress address, int port) => new IPEndPoint(address, port).ToString();

    private static string Base32(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder();
        var buffer = 0;
        var bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                text.Append(Base32Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            text.Append(Base32Alphabet[(buffer << (5 - bits)) & 31]);
        }

        return text.ToString();
    }
}
