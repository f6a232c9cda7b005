using Shim.Model.Autoscaling.V2;

namespace Shim.Controllers.Autoscaling;

/// <summary>What one metric proposes: a replica count, its name for events ("cpu resource utilization (percentage of request)") and its status.</summary>
public sealed record MetricProposal(int Replicas, string Name, MetricStatus Status);
