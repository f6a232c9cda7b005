using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Shim.Streaming.Http;

/// <summary>Reading the upgrade-related request headers the way Go's clients send them (repeated or comma-separated).</summary>
internal static class UpgradeHeaders
{
    public const string StreamProtocolVersion = "X-Stream-Protocol-Version";
    public const string AcceptedStreamProtocolVersions = "X-Accepted-Stream-Protocol-Versions";
    public const string SpdyUpgrade = "SPDY/3.1";

    /// <summary>Browser clients smuggle a bearer token as a subprotocol; it is never a protocol to negotiate.</summary>
    private const string BearerSubprotocolPrefix = "base64url.bearer.authorization.k8s.io.";

    public static List<string> Tokens(StringValues values)
    {
        var tokens = new List<string>();
        foreach (var value in values)
        {
            if (value == null)
            {
                continue;
            }
            foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                tokens.Add(part);
            }
        }
        return tokens;
    }

    public static bool IsWebSocketUpgrade(HttpRequest request) =>
        Tokens(request.Headers.Upgrade).Exists(token => token.Equals("websocket", StringComparison.OrdinalIgnoreCase));

    public static bool IsSpdyUpgrade(HttpRequest request) =>
        Tokens(request.Headers.Upgrade).Exists(token => token.Equals(SpdyUpgrade, StringComparison.OrdinalIgnoreCase));

    /// <summary>The subprotocols the client offered, in its order, without the bearer-token pseudo protocol.</summary>
    public static List<string> OfferedSubprotocols(HttpRequest request) =>
        Tokens(request.Headers.SecWebSocketProtocol)
            .Where(offer => !offer.StartsWith(BearerSubprotocolPrefix, StringComparison.Ordinal))
            .ToList();
}
