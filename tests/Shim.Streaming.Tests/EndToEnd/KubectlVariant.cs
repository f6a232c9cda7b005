using Shim.Streaming.Tests.Host;

namespace Shim.Streaming.Tests.EndToEnd;

/// <summary>A kubectl binary plus the transport it is expected (or forced) to use.</summary>
public sealed record KubectlVariant(string Name, string Binary, bool ForceSpdy, bool ExpectWebSocket)
{
    public static readonly IReadOnlyDictionary<string, KubectlVariant> All = new Dictionary<string, KubectlVariant>
    {
        ["1.27-spdy"] = new("1.27-spdy", KubectlRunner.Kubectl127, ForceSpdy: false, ExpectWebSocket: false),
        ["1.32-websocket"] = new("1.32-websocket", KubectlRunner.Kubectl132, ForceSpdy: false, ExpectWebSocket: true),
        ["1.32-spdy"] = new("1.32-spdy", KubectlRunner.Kubectl132, ForceSpdy: true, ExpectWebSocket: false),
        ["1.35-websocket"] = new("1.35-websocket", KubectlRunner.Kubectl135, ForceSpdy: false, ExpectWebSocket: true),
        ["1.35-spdy"] = new("1.35-spdy", KubectlRunner.Kubectl135, ForceSpdy: true, ExpectWebSocket: false),
    };

    public static TheoryData<string> Names => new(All.Keys);

    public bool IsInstalled => File.Exists(Binary);

    /// <summary>The variables kubectl reads to turn its WebSocket transports off.</summary>
    public IReadOnlyDictionary<string, string> Environment => ForceSpdy
        ? new Dictionary<string, string> { ["KUBECTL_REMOTE_COMMAND_WEBSOCKETS"] = "false", ["KUBECTL_PORT_FORWARD_WEBSOCKETS"] = "false" }
        : new Dictionary<string, string>();

    public string ExpectedUpgrade => ExpectWebSocket ? "websocket" : "SPDY/3.1";
}
