using System.Security.Cryptography;
using System.Text;

namespace Shim.Agent.Proxy;

/// <summary>
/// The chains the service proxy owns. Per-service chains are named like upstream kube-proxy's (KUBE-SVC-… there):
/// a prefix and the first 16 characters of the base32 sha256 of the service port's identity, because chain names
/// are limited to 28 characters and must not change while the service port exists.
/// </summary>
public static class ProxyChainNames
{
    /// <summary>Every chain the proxy creates starts with this; stale-chain removal and cleanup look for it.</summary>
    public const string Prefix = "SHIM-";

    public const string ServicesChain = "SHIM-SERVICES";
    public const string ExternalServicesChain = "SHIM-EXTERNAL-SERVICES";
    public const string NodePortsChain = "SHIM-NODEPORTS";
    public const string PostroutingChain = "SHIM-POSTROUTING";
    public const string MarkMasqueradeChain = "SHIM-MARK-MASQ";
    public const string ForwardChain = "SHIM-FORWARD";

    /// <summary>The packet mark asking SHIM-POSTROUTING to masquerade (bit 14, upstream's default masquerade bit).</summary>
    public const string MasqueradeMark = "0x4000";

    /// <summary>Dispatches a service port to all its usable endpoints (Cluster traffic policy).</summary>
    public static string ClusterPolicy(string servicePortName, string protocol) => "SHIM-SVC-" + Hash(servicePortName + protocol);

    /// <summary>Dispatches a service port to the endpoints on this node (Local traffic policy).</summary>
    public static string LocalPolicy(string servicePortName, string protocol) => "SHIM-SVL-" + Hash(servicePortName + protocol);

    /// <summary>Entry for NodePort, external IP and load balancer traffic, which applies externalTrafficPolicy.</summary>
    public static string External(string servicePortName, string protocol) => "SHIM-EXT-" + Hash(servicePortName + protocol);

    /// <summary>DNATs to one endpoint (<paramref name="endpoint"/> is "ip:port").</summary>
    public static string Endpoint(string servicePortName, string protocol, string endpoint) => "SHIM-SEP-" + Hash(servicePortName + protocol + endpoint);

    /// <summary>The chains named after a hash, as opposed to the fixed ones every sync writes.</summary>
    public static bool IsPerService(string chain) =>
        chain.StartsWith("SHIM-SVC-", StringComparison.Ordinal) || chain.StartsWith("SHIM-SVL-", StringComparison.Ordinal) ||
        chain.StartsWith("SHIM-EXT-", StringComparison.Ordinal) || chain.StartsWith("SHIM-SEP-", StringComparison.Ordinal);

    private static string Hash(string identity)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(identity), hash);
        return Base32First16(hash);
    }

    /// <summary>The first 16 characters of RFC 4648 base32 (10 bytes → 16 characters, no padding involved).</summary>
    private static string Base32First16(ReadOnlySpan<byte> bytes)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        Span<char> text = stackalloc char[16];
        var bits = 0UL;
        var count = 0;
        var written = 0;
        for (var i = 0; i < 10; i++)
        {
            bits = (bits << 8) | bytes[i];
            count += 8;
            while (count >= 5)
            {
                count -= 5;
                text[written++] = Alphabet[(int)((bits >> count) & 31)];
            }
        }

        return new string(text);
    }
}
