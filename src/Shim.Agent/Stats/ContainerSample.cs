namespace Shim.Agent.Stats;

/// <summary>One container's figures from a Docker stats read: cumulative CPU seconds and memory working set.</summary>
public sealed record ContainerSample(string Namespace, string Pod, string Container, bool Sandbox, double CpuSeconds, ulong WorkingSetBytes, DateTimeOffset Timestamp, DateTimeOffset StartTime);
