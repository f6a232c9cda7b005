using System.CommandLine;
using Shim.Agent;

namespace Shim;

/// <summary>Command-line options of a node agent.</summary>
public sealed class AgentOptionSet
{
    private readonly Option<string> _nodeName = new("--node-name") { Description = "Node name (default: the host name)" };
    private readonly Option<string> _nodeIp = new("--node-ip") { Description = "The node's InternalIP (default: the first non-loopback IPv4 address)" };
    private readonly Option<string> _docker = new("--docker") { Description = "Docker endpoint: unix:///PATH or tcp://HOST:PORT", DefaultValueFactory = _ => "unix:///var/run/docker.sock" };
    private readonly Option<string> _pauseImage = new("--pause-image") { Description = "Image of the pod sandbox container", DefaultValueFactory = _ => "shim/pause:3.10" };
    private readonly Option<int> _agentPort = new("--agent-port") { Description = "HTTPS port for logs/exec/attach/port-forward", DefaultValueFactory = _ => 10250 };
    private readonly Option<string> _network = new("--pod-network") { Description = "Name of the Docker network pods join", DefaultValueFactory = _ => "shim" };
    private readonly Option<string[]> _labels = new("--node-label") { Description = "Extra node label KEY=VALUE (repeatable)" };
    private readonly Option<string> _clusterDns = new("--cluster-dns") { Description = "Cluster DNS address in pods' resolv.conf, the kube-dns Service's clusterIP (default: the 10th address of the service range, 10.96.0.10)" };
    private readonly Option<string> _clusterDomain = new("--cluster-domain") { Description = "DNS domain of the cluster", DefaultValueFactory = _ => "cluster.local" };
    private readonly Option<string> _resolvConf = new("--resolv-conf") { Description = "The node's resolver configuration; the cluster DNS forwards other names to its nameservers", DefaultValueFactory = _ => "/etc/resolv.conf" };

    public IEnumerable<Option> All => [_nodeName, _nodeIp, _docker, _pauseImage, _agentPort, _network, _labels, _clusterDns, _clusterDomain, _resolvConf];

    /// <summary>The --cluster-dns value, or null when not given.</summary>
    public string? ClusterDns(ParseResult result) => result.GetValue(_clusterDns) is { Length: > 0 } dns ? dns : null;

    public AgentOptions Read(ParseResult result, string dataDir) => new()
    {
        NodeName = (result.GetValue(_nodeName) is { Length: > 0 } name ? name : Environment.MachineName).ToLowerInvariant(),
        NodeIp = result.GetValue(_nodeIp) is { Length: > 0 } ip ? ip : AgentHost.DefaultNodeIp(),
        DockerEndpoint = result.GetValue(_docker)!,
        PauseImage = result.GetValue(_pauseImage)!,
        Port = result.GetValue(_agentPort),
        NetworkName = result.GetValue(_network)!,
        DataDir = dataDir,
        NodeLabels = (result.GetValue(_labels) ?? []).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal),
        ClusterDns = ClusterDns(result) is { } dns ? [dns] : [],
        ClusterDomain = result.GetValue(_clusterDomain)!,
        ResolvConf = result.GetValue(_resolvConf)!,
    };
}
