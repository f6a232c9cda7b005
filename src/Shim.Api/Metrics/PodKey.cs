namespace Shim.Api.Metrics;

/// <summary>A pod by namespace and name.</summary>
public readonly record struct PodKey(string Namespace, string Name);
