namespace Shim.Agent;

/// <summary>Options of <c>shim agent</c> (and of the agent embedded in <c>shim server</c>).</summary>
public sealed record AgentOptions
{
    public required string NodeName { get; init; }

    /// <summary>The node's InternalIP: where the API server reaches the agent and other nodes route pod traffic.</summary>
    public required string NodeIp { get; init; }

    /// <summary>unix:///var/run/docker.sock or tcp://HOST:PORT.</summary>
    public string DockerEndpoint { get; init; } = "unix:///var/run/docker.sock";

    public string PauseImage { get; init; } = "shim/pause:3.10";

    /// <summary>Volumes and other per-pod files live under here.</summary>
    public required string DataDir { get; init; }

    /// <summary>The Docker network pods join; created with the node's spec.podCIDR.</summary>
    public string NetworkName { get; init; } = "shim";

    /// <summary>Port of the agent's HTTPS server (logs, exec, attach, port-forward), as the kubelet's 10250.</summary>
    public int Port { get; init; } = 10250;

    /// <summary>
    /// The cluster DNS address pods with dnsPolicy ClusterFirst use (the kube-dns Service's clusterIP); empty leaves
    /// Docker's resolver until the agents serve cluster DNS.
    /// </summary>
    public IReadOnlyList<string> ClusterDns { get; init; } = [];

    public string ClusterDomain { get; init; } = "cluster.local";

    /// <summary>The pod range of the whole cluster: traffic inside it is neither masqueraded nor filtered.</summary>
    public string ClusterCidr { get; init; } = "10.244.0.0/16";

    /// <summary>Where the node's own resolvers are listed: the cluster DNS forwards other names to them.</summary>
    public string ResolvConf { get; init; } = "/etc/resolv.conf";

    public IReadOnlyDictionary<string, string> NodeLabels { get; init; } = new Dictionary<string, string>();

    /// <summary>How often the node Lease is renewed (upstream: 10 s, lease duration 40 s).</summary>
    public TimeSpan HeartbeatPeriod { get; init; } = TimeSpan.FromSeconds(10);
}
