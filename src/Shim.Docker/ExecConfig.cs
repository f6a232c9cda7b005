namespace Shim.Docker;

/// <summary>Body of POST /containers/{id}/exec.</summary>
public sealed record ExecConfig
{
    public required IReadOnlyList<string> Cmd { get; init; }
    public bool AttachStdin { get; init; }
    public bool AttachStdout { get; init; } = true;
    public bool AttachStderr { get; init; } = true;
    public bool Tty { get; init; }
    public IReadOnlyList<string>? Env { get; init; }
    public string? User { get; init; }
    public string? WorkingDir { get; init; }
}
