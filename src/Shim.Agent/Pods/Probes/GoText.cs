using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Shim.Agent.Pods.Probes;

/// <summary>
/// Text in the shapes the kubelet (a Go program) writes it, so that events and messages read the same as on a real
/// cluster: %q quoting, %v of a string slice, and Go's wording of network errors.
/// </summary>
internal static class GoText
{
    /// <summary>Go's %q of a string: double-quoted with Go escapes.</summary>
    public static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        builder.Append('"');
        foreach (var rune in value.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\a': builder.Append("\\a"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case '\v': builder.Append("\\v"); break;
                case < 0x20 or 0x7f: builder.Append("\\x").Append(rune.Value.ToString("x2", CultureInfo.InvariantCulture)); break;
                default: builder.Append(rune.ToString()); break;
            }
        }

        return builder.Append('"').ToString();
    }

    /// <summary>Go's %v of a []string: [a b c].</summary>
    public static string List(IEnumerable<string> values) => "[" + string.Join(' ', values) + "]";

    /// <summary>The text Go's net.Dial gives for a failed TCP connect to <paramref name="address"/> (host:port).</summary>
    public static string DialError(string address, SocketException error) => error.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => $"dial tcp {address}: connect: connection refused",
        SocketError.TimedOut => $"dial tcp {address}: i/o timeout",
        SocketError.HostUnreachable => $"dial tcp {address}: connect: no route to host",
        SocketError.NetworkUnreachable => $"dial tcp {address}: connect: network is unreachable",
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain =>
            $"dial tcp: lookup {HostOf(address)}: no such host",
        _ => $"dial tcp {address}: {error.Message}",
    };

    /// <summary>The text of a connect that did not finish within the probe's timeout.</summary>
    public static string DialTimeout(string address) => $"dial tcp {address}: i/o timeout";

    private static string HostOf(string address)
    {
        var colon = address.LastIndexOf(':');
        return (colon > 0 ? address[..colon] : address).Trim('[', ']');
    }
}
