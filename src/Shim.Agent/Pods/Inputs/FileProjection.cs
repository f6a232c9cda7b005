namespace Shim.Agent.Pods.Inputs;

/// <summary>One file of a volume's payload: its content and permission bits (e.g. 0644 from defaultMode).</summary>
internal sealed record FileProjection(byte[] Data, int Mode)
{
    /// <summary>The permission bits only: a ConfigMap cannot make a file setuid.</summary>
    public UnixFileMode UnixMode => (UnixFileMode)(Mode & 0x1FF);
}
