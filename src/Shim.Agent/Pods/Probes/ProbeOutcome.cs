namespace Shim.Agent.Pods.Probes;

/// <summary>The result of one probe or hook run; <see cref="Message"/> is what upstream puts in the Unhealthy event.</summary>
public sealed record ProbeOutcome(bool Success, string Message);
