using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Shim.Agent.Dns;

/// <summary>Addresses written into names: dashed pod and endpoint labels, and reverse (in-addr.arpa / ip6.arpa) names.</summary>
internal static class ClusterDnsAddresses
{
    /// <summary>
    /// Parses an address strictly: four plain decimal octets for IPv4 (IPAddress.Parse also takes "10.1" and octal),
    /// or IPv6 without a scope.
    /// </summary>
    public static bool TryParse(string text, out IPAddress address)
    {
        address = IPAddress.None;
        if (text.Contains(':', StringComparison.Ordinal))
        {
            if (text.Contains('%', StringComparison.Ordinal) || !IPAddress.TryParse(text, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }

            address = v6;
            return true;
        }

        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        var bytes = new byte[4];
        for (var i = 0; i < 4; i++)
        {
            if (parts[i].Length is 0 or > 3 || (parts[i].Length > 1 && parts[i][0] == '0')
                || !byte.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out bytes[i]))
            {
                return false;
            }
        }

        address = new IPAddress(bytes);
        return true;
    }

    /// <summary>The address in a pod label: 10-244-1-5 (CoreDNS: three dashes and no "--" is IPv4, else dashes are colons).</summary>
    public static bool TryParsePodLabel(string label, out IPAddress address)
    {
        var ipv4 = label.Count(c => c == '-') == 3 && !label.Contains("--", StringComparison.Ordinal);
        return TryParse(label.Replace('-', ipv4 ? '.' : ':'), out address);
    }

    /// <summary>The label naming an endpoint without a hostname: its address with dashes for dots or colons.</summary>
    public static string Dashed(string address) => address.Replace('.', '-').Replace(':', '-');

    /// <summary>The address a full reverse name stands for (5.1.244.10.in-addr.arpa, or 32 nibbles under ip6.arpa).</summary>
    public static bool TryParseReverse(string[] labels, out IPAddress address)
    {
        address = IPAddress.None;
        if (labels.Length == 6 && IsSuffix(labels, "in-addr", "arpa"))
        {
            return TryParse(string.Join('.', labels[..4].Reverse()), out address);
        }

        if (labels.Length == 34 && IsSuffix(labels, "ip6", "arpa"))
        {
            var bytes = new byte[16];
            for (var i = 0; i < 32; i++)
            {
                var label = labels[31 - i];
                if (label.Length != 1 || !char.IsAsciiHexDigit(label[0]))
                {
                    return false;
                }

                var nibble = Convert.ToByte(label, 16);
                bytes[i / 2] |= (byte)(i % 2 == 0 ? nibble << 4 : nibble);
            }

            address = new IPAddress(bytes);
            return true;
        }

        return false;
    }

    private static bool IsSuffix(string[] labels, string second, string last) =>
        string.Equals(labels[^2], second, StringComparison.OrdinalIgnoreCase)
        && string.Equals(labels[^1], last, StringComparison.OrdinalIgnoreCase);
}
