using Microsoft.AspNetCore.Http;
using Shim.Streaming.Http;

namespace Shim.Streaming.PortForward;

/// <summary>
/// The server side of kubectl port-forward: SPDY/3.1 with <c>X-Stream-Protocol-Version: portforward.k8s.io</c>
/// (kubectl ≤ 1.30 and the fallback), or the same SPDY carried in WebSocket binary messages with subprotocol
/// <c>SPDY/3.1+portforward.k8s.io</c> (kubectl ≥ 1.31). The WebSocket handshake is done by hand (ASP.NET Core
/// refuses that subprotocol name), so <c>UseWebSockets()</c> is not required here.
/// </summary>
public static class PortForwardServer
{
    public const string ProtocolName = "portforward.k8s.io";
    private const string TunnelPrefix = "SPDY/3.1+";
    private static readonly TimeSpan ClientCloseGrace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Serves one port-forward session until the client hangs up. <paramref name="dial"/> connects to a port of the pod;
    /// if it returns a <see cref="System.Net.Sockets.NetworkStream"/>, a client half-close is passed on as a socket
    /// shutdown (other streams simply stop receiving data). Dial failures go to the client as text.
    /// </summary>
    public static async Task HandleAsync(HttpContext context, Func<int, CancellationToken, Task<Stream>> dial, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(dial);
        var request = context.Request;

        if (UpgradeHeaders.IsWebSocketUpgrade(request))
        {
            var offered = UpgradeHeaders.OfferedSubprotocols(request);
            var tunnel = offered.Find(offer =>
                offer.StartsWith(TunnelPrefix, StringComparison.OrdinalIgnoreCase) &&
                offer[TunnelPrefix.Length..].Equals(ProtocolName, StringComparison.OrdinalIgnoreCase));
            if (tunnel == null)
            {
                await StatusResponse.WriteAsync(context, StatusCodes.Status400BadRequest,
                    $"unsupported port-forward WebSocket subprotocol ({string.Join(", ", offered)}); supported: {TunnelPrefix}{ProtocolName}",
                    cancellationToken).ConfigureAwait(false);
                return;
            }
            var refusal = ManualWebSocketHandshake.CheckUpgradable(context);
            if (refusal != null)
            {
                await StatusResponse.WriteAsync(context, StatusCodes.Status400BadRequest, refusal, cancellationToken).ConfigureAwait(false);
                return;
            }
            using var socket = await ManualWebSocketHandshake.AcceptAsync(context, tunnel).ConfigureAwait(false);
            await using var tunnelStream = new WebSocketByteStream(socket);
            await SpdyPortForwardSession.RunAsync(tunnelStream, dial, cancellationToken).ConfigureAwait(false);
            await CloseTunnelAsync(socket, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (UpgradeHeaders.IsSpdyUpgrade(request))
        {
            var offered = UpgradeHeaders.Tokens(request.Headers[UpgradeHeaders.StreamProtocolVersion]);
            if (!offered.Contains(ProtocolName, StringComparer.OrdinalIgnoreCase))
            {
                context.Response.Headers.Append(UpgradeHeaders.AcceptedStreamProtocolVersions, ProtocolName);
                await StatusResponse.WriteAsync(context, offered.Count == 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status403Forbidden,
                    $"unable to upgrade: port-forward needs {UpgradeHeaders.StreamProtocolVersion}: {ProtocolName}", cancellationToken).ConfigureAwait(false);
                return;
            }
            var transport = await SpdyUpgrade.TryUpgradeAsync(context, ProtocolName, cancellationToken).ConfigureAwait(false);
            if (transport != null)
            {
                await SpdyPortForwardSession.RunAsync(transport, dial, cancellationToken).ConfigureAwait(false);
            }
            return;
        }

        await StatusResponse.WriteAsync(context, StatusCodes.Status400BadRequest,
            $"Upgrade request required: port-forward needs 'Upgrade: SPDY/3.1' or a WebSocket with subprotocol {TunnelPrefix}{ProtocolName}",
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A clean close (1000) is what kubectl reads as the end of the tunnel.</summary>
    private static async Task CloseTunnelAsync(System.Net.WebSockets.WebSocket socket, CancellationToken cancellationToken)
    {
        try
        {
            if (socket.State is System.Net.WebSockets.WebSocketState.Open or System.Net.WebSockets.WebSocketState.CloseReceived)
            {
                using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                grace.CancelAfter(ClientCloseGrace);
                await socket.CloseOutputAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, grace.Token).ConfigureAwait(false);
            }
        }
        catch (Exception error) when (error is System.Net.WebSockets.WebSocketException or IOException or OperationCanceledException)
        {
            // The client is already gone.
        }
    }
}
