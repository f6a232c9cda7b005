namespace Shim.Agent.Pods.Inputs;

/// <summary>A volume ready on the host: the directory (or file, for some hostPath types) to bind into containers.</summary>
public sealed record PreparedVolume(string HostPath, bool ReadOnly);
