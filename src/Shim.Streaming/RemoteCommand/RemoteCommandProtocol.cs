namespace Shim.Streaming.RemoteCommand;

/// <summary>One version of the Kubernetes remotecommand (exec/attach) stream protocol and what it implies.</summary>
internal sealed record RemoteCommandProtocol(string Name, bool StatusAsJson, bool SupportsResize, bool SupportsCloseChannel, bool Base64)
{
    public static readonly RemoteCommandProtocol V5 = new("v5.channel.k8s.io", true, true, true, false);
    public static readonly RemoteCommandProtocol V4 = new("v4.channel.k8s.io", true, true, false, false);
    public static readonly RemoteCommandProtocol V4Base64 = new("v4.base64.channel.k8s.io", true, true, false, true);
    public static readonly RemoteCommandProtocol V3 = new("v3.channel.k8s.io", false, true, false, false);
    public static readonly RemoteCommandProtocol V2 = new("v2.channel.k8s.io", false, false, false, false);
    public static readonly RemoteCommandProtocol V1 = new("channel.k8s.io", false, false, false, false);
    public static readonly RemoteCommandProtocol V1Base64 = new("base64.channel.k8s.io", false, true, false, true);

    /// <summary>
    /// Over SPDY v5 means nothing more than v4 (SPDY half-close already signals stdin EOF) and the kubelet never
    /// offered it, so v4 is what we pick for clients that offer both.
    /// </summary>
    public static readonly IReadOnlyList<RemoteCommandProtocol> Spdy = [V4, V3, V2, V1];

    public static readonly IReadOnlyList<RemoteCommandProtocol> WebSocket = [V5, V4, V4Base64, V1, V1Base64];

    /// <summary>The first protocol the client offered that we support (client order), or null.</summary>
    public static RemoteCommandProtocol? Choose(IEnumerable<string> offered, IReadOnlyList<RemoteCommandProtocol> supported)
    {
        foreach (var offer in offered)
        {
            foreach (var protocol in supported)
            {
                if (string.Equals(offer, protocol.Name, StringComparison.OrdinalIgnoreCase))
                {
                    return protocol;
                }
            }
        }
        return null;
    }
}
