using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Shim.Streaming.Http;

/// <summary>Answers an <c>Upgrade: SPDY/3.1</c> request with 101 and hands back the raw connection.</summary>
internal static class SpdyUpgrade
{
    /// <summary>The upgraded connection, or null after answering 400 (request cannot be upgraded).</summary>
    public static async Task<Stream?> TryUpgradeAsync(HttpContext context, string streamProtocol, CancellationToken cancellationToken)
    {
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        if (upgrade == null || !upgrade.IsUpgradableRequest)
        {
            await StatusResponse.WriteAsync(context, StatusCodes.Status400BadRequest,
                "unable to upgrade: SPDY/3.1 needs an HTTP/1.1 request with 'Connection: Upgrade'", cancellationToken).ConfigureAwait(false);
            return null;
        }
        // The client checks all three; without the protocol version it would assume the oldest protocol.
        context.Response.Headers.Connection = "Upgrade";
        context.Response.Headers.Upgrade = UpgradeHeaders.SpdyUpgrade;
        context.Response.Headers[UpgradeHeaders.StreamProtocolVersion] = streamProtocol;
        // Nothing may be written after the 101 until the client's first frame: client-go's buffered 101 read would
        // swallow it. Our SPDY server only ever answers, so that holds.
        return await upgrade.UpgradeAsync().ConfigureAwait(false);
    }
}
