using System.Net.Sockets;

namespace Shim.Agent.Pods.Probes;

/// <summary>A tcpSocket probe: success when a TCP connection opens within the timeout; nothing is sent.</summary>
internal static class TcpConnectRunner
{
    /// <summary>Null on success, otherwise Go's wording of why the connect failed.</summary>
    public static async Task<string?> ConnectAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var address = ProbeTarget.JoinHostPort(host, port);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);

        // Dual-mode socket: reaches IPv4 and IPv6 pod IPs alike.
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(host.Trim('[', ']'), port, deadline.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && deadline.IsCancellationRequested)
        {
            return GoText.DialTimeout(address);
        }
        catch (SocketException error)
        {
            return GoText.DialError(address, error);
        }
    }
}
