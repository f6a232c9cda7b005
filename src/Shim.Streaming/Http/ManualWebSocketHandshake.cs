using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Shim.Streaming.Http;

/// <summary>
/// A server WebSocket handshake done by hand, for subprotocols ASP.NET Core refuses to accept (it rejects '/' in
/// <c>SPDY/3.1+portforward.k8s.io</c>, and only after it has already written the 101).
/// </summary>
internal static class ManualWebSocketHandshake
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>The reason the request cannot be upgraded here, or null when it can.</summary>
    public static string? CheckUpgradable(HttpContext context)
    {
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        if (upgrade == null || !upgrade.IsUpgradableRequest)
        {
            return "WebSocket upgrade needs an HTTP/1.1 request with 'Connection: Upgrade'";
        }
        if (string.IsNullOrEmpty(context.Request.Headers.SecWebSocketKey))
        {
            return "WebSocket upgrade without Sec-WebSocket-Key";
        }
        return null;
    }

    public static async Task<WebSocket> AcceptAsync(HttpContext context, string subProtocol)
    {
        var key = context.Request.Headers.SecWebSocketKey.ToString().Trim();
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));
        var response = context.Response;
        response.Headers.Connection = "Upgrade";
        response.Headers.Upgrade = "websocket";
        response.Headers.SecWebSocketAccept = accept;
        response.Headers.SecWebSocketProtocol = subProtocol;
        var transport = await context.Features.Get<IHttpUpgradeFeature>()!.UpgradeAsync().ConfigureAwait(false);
        return WebSocket.CreateFromStream(transport, new WebSocketCreationOptions
        {
            IsServer = true,
            KeepAliveInterval = TimeSpan.FromSeconds(30),
        });
    }
}
