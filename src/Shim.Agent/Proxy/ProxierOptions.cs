namespace Shim.Agent.Proxy;

/// <summary>How a <see cref="ServiceProxier"/> renders and applies its rules.</summary>
public sealed record ProxierOptions
{
    /// <summary>This node's name: endpoints whose nodeName matches are local (traffic policy Local).</summary>
    public required string NodeName { get; init; }

    /// <summary>All pods' addresses. Traffic to a cluster IP from outside it is masqueraded; forwarding to and from it is accepted.</summary>
    public string ClusterCidr { get; init; } = "10.244.0.0/16";

    /// <summary>This node's pods (spec.podCIDR), masqueraded when they leave the cluster CIDR; null until the node has one.</summary>
    public string? PodCidr { get; init; }

    /// <summary>
    /// The least time between the starts of two syncs: a change arriving sooner waits, and all changes made while it
    /// waits are applied together. Upstream kube-proxy's default is 1 s because every sync there re-renders and restores
    /// every rule on hosts with tens of thousands of them; our partial syncs write only the chains that changed (a few
    /// ms for one endpoint even at 5,000 services), so 100 ms keeps the delay a user sees after a rollout short.
    /// </summary>
    public TimeSpan MinSyncPeriod { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How often a full sync rewrites every chain and jump rule (repairing rules someone else changed or flushed)
    /// and deletes stale SHIM- chains. Upstream re-syncs at least hourly (its sync runner's maximum interval).
    /// </summary>
    public TimeSpan FullSyncPeriod { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How often the proxy looks whether its jump rules are still where they belong (a firewall reload flushes them;
    /// dockerd starting after the agent creates DOCKER-USER and puts its own rules above FORWARD's) and, if not, runs a
    /// full sync at once instead of waiting for FullSyncPeriod. Upstream polls a canary chain for the same reason.
    /// </summary>
    public TimeSpan JumpCheckPeriod { get; init; } = TimeSpan.FromSeconds(30);

    public string IptablesPath { get; init; } = "iptables";

    public string IptablesSavePath { get; init; } = "iptables-save";

    public string IptablesRestorePath { get; init; } = "iptables-restore";

    public string ConntrackPath { get; init; } = "conntrack";

    /// <summary>
    /// Put before every iptables command, for tests and benchmarks that work in a network namespace of their own
    /// (e.g. <c>["nsenter", "--net=/run/netns/x"]</c>); empty for the agent, which runs in the host's namespace.
    /// </summary>
    public IReadOnlyList<string> CommandPrefix { get; init; } = [];
}
