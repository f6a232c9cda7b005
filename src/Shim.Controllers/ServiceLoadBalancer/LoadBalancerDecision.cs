namespace Shim.Controllers.ServiceLoadBalancer;

/// <summary>
/// What one LoadBalancer service gets: the node addresses to publish as its ingress (empty while in conflict), and
/// why it gets none when another service holds one of its ports.
/// </summary>
public sealed record LoadBalancerDecision(IReadOnlyList<string> Addresses, string? Conflict);
