namespace Shim.Controllers.Autoscaling;

/// <summary>One pod's usage of one resource in milli-units, measured over <see cref="Window"/> ending at <see cref="Timestamp"/>.</summary>
public readonly record struct PodMetric(long Value, DateTimeOffset Timestamp, TimeSpan Window);
