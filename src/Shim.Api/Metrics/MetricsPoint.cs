namespace Shim.Api.Metrics;

/// <summary>
/// One sample of a node or container, as metrics-server keeps it: cumulative CPU in core-nanoseconds since
/// <see cref="StartTime"/> (zero when unknown), and the memory working set in bytes, measured at <see cref="Timestamp"/>.
/// </summary>
public readonly record struct MetricsPoint(DateTimeOffset StartTime, DateTimeOffset Timestamp, ulong CumulativeCpuNanos, ulong MemoryBytes);
