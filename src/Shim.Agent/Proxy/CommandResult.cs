namespace Shim.Agent.Proxy;

/// <summary>How a command ended: its exit code and what it wrote.</summary>
public sealed record CommandResult(int ExitCode, string Output, string Error)
{
    public bool Succeeded => ExitCode == 0;
}
