namespace Shim.Controllers.Autoscaling;

/// <summary>A normalized replica count and the ScalingLimited reason and message that explain it.</summary>
public readonly record struct ScaleLimit(int Replicas, string Reason, string Message);
