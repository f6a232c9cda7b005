namespace Shim.Agent.Pods.Probes;

/// <summary>
/// How one docker exec ended: its exit code and output (each stream capped at 10 KiB), or that it outlived its timeout
/// (<see cref="TimedOut"/>), or that Docker refused it (<see cref="Error"/>).
/// </summary>
internal sealed record ExecResult(long? ExitCode, string Stdout, string Stderr, bool TimedOut, string? Error)
{
    /// <summary>stdout followed by stderr, capped at 10 KiB: what the kubelet shows as a probe's output.</summary>
    public string Output
    {
        get
        {
            var combined = Stdout + Stderr;
            return combined.Length > ExecRunner.MaxOutputBytes ? combined[..ExecRunner.MaxOutputBytes] : combined;
        }
    }
}
