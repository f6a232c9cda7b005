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
}
