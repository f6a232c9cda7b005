namespace Shim.Api.Hosting;

/// <summary>Options of <c>shim server</c>.</summary>
public sealed record ServerOptions
{
    public required string DataDir { get; init; }

    /// <summary>"memory" or "redis://HOST:PORT[/PREFIX]".</summary>
    public string Store { get; init; } = "memory";

    public string BindAddress { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 6443;
    public IReadOnlyList<string> TlsSans { get; init; } = [];
    public bool DisableAgent { get; init; }

    /// <summary>tolerationSeconds given to pods for the not-ready / unreachable NoExecute taints (kube-apiserver defaults).</summary>
    public long DefaultNotReadyTolerationSeconds { get; init; } = 300;

    public long DefaultUnreachableTolerationSeconds { get; init; } = 300;
}
