using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Shim.Agent.Cluster;
using Shim.Agent.Network;
using Shim.Agent.Pods;
using Shim.Agent.Services;
using Shim.Client;
using Shim.Docker;
using Shim.Model.Coordination.V1;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;

namespace Shim.Agent;

/// <summary>
/// The node agent: registers its Node, keeps its Lease and status fresh, sets up the pod network once the server
/// has given the node a podCIDR, and feeds the pods bound to this node to the <see cref="PodManager"/>.
/// </summary>
public sealed partial class NodeAgent : IAsyncDisposable
{
    private readonly AgentOptions _options;
    private readonly KubeClient _client;
    private readonly IDockerClient _docker;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ApiPodStatusWriter _statusWriter;
    private readonly EventRecorder _events;
    private readonly InformerServiceCatalog _catalog;
    private NodeStatus? _lastStatus;
    private Lease? _lease;
    private DateTimeOffset _lastStatusWrite;
    private string? _networkSubnet;

    public NodeAgent(AgentOptions options, KubeClient client, IDockerClient docker, ILoggerFactory loggers, TimeProvider time)
    {
        _options = options;
        _client = client;
        _docker = docker;
        _loggers = loggers;
        _logger = loggers.CreateLogger<NodeAgent>();
        _time = time;
        _statusWriter = new ApiPodStatusWriter(client);
        _events = new EventRecorder(client, "kubelet", options.NodeName, time, loggers.CreateLogger<EventRecorder>());
        _catalog = new InformerServiceCatalog(client, loggers);
        Pods = new PodManager(docker, new ApiClusterReader(client, _catalog), _statusWriter, new PodEventRecorder(_events), new PodRuntimeOptions
        {
            NodeName = options.NodeName,
            NodeIp = options.NodeIp,
            PodsRoot = Path.Combine(options.DataDir, "pods"),
            PauseImage = options.PauseImage,
            NetworkName = options.NetworkName,
            ClusterDns = options.ClusterDns,
            ClusterDomain = options.ClusterDomain,
        }, loggers, time);
    }

    public PodManager Pods { get; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var (info, version) = await WaitForDockerAsync(cancellationToken).ConfigureAwait(false);
        LogDocker(_logger, _docker.Endpoint, version["Version"]?.GetValue<string>() ?? "?", _options.NodeName);
        var node = await RegisterAsync(info, version, cancellationToken).ConfigureAwait(false);

        // Every node and service is watched: pod routes, the service proxy, DNS and service variables need them.
        var nodeInformer = new Informer<Node>(_client, _loggers.CreateLogger("informer.nodes"));
        var networking = new NodeNetworking(_options, nodeInformer, _loggers, _time);
        var catalog = _catalog.RunAsync(cancellationToken);
        var nodes = nodeInformer.RunAsync(cancellationToken);
        var network = networking.RunAsync(cancellationToken);
        // Containers get their service variables from the start, as the kubelet waits for its service cache.
        await _catalog.Synced.WaitAsync(cancellationToken).ConfigureAwait(false);

        await Pods.StartAsync(cancellationToken).ConfigureAwait(false);
        var podInformer = new Informer<Pod>(_client, _loggers.CreateLogger("informer.pods"), query: new ListQuery(FieldSelector: $"spec.nodeName={_options.NodeName}"));
        podInformer.OnAdd(Pods.Upsert);
        podInformer.OnUpdate((_, pod) => Pods.Upsert(pod));
        podInformer.OnDelete(pod =>
        {
            Pods.Remove(pod.Metadata?.Uid ?? "");
            _statusWriter.Forget(pod.Metadata?.Uid ?? "");
        });
        podInformer.OnListed(all => _ = ConvergeAsync(all, cancellationToken));
        var pods = podInformer.RunAsync(cancellationToken);

        await nodeInformer.Synced.WaitAsync(cancellationToken).ConfigureAwait(false);

        // Heartbeats: the Lease every period; the status when it changes, and at least every minute.
        while (!cancellationToken.IsCancellationRequested)
        {
            node = nodeInformer.Get(null, _options.NodeName) ?? node;
            string? problem;
            try
            {
                info = await _docker.InfoAsync(cancellationToken).ConfigureAwait(false);
                problem = await EnsureNetworkAsync(node.Spec?.PodCIDR, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerException e)
            {
                problem = $"container runtime is down: {e.Message}";
            }

            await HeartbeatAsync(info, version, problem, cancellationToken).ConfigureAwait(false);

            await Task.Delay(problem is null ? _options.HeartbeatPeriod : TimeSpan.FromSeconds(1), _time, cancellationToken).ConfigureAwait(false);
        }

        await Task.WhenAll(pods, nodes, catalog, network).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await Pods.DisposeAsync().ConfigureAwait(false);
        await _events.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>A node without a reachable dockerd waits for it (as the kubelet waits for its runtime) instead of failing.</summary>
    private async Task<(JsonObject Info, JsonObject Version)> WaitForDockerAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return (await _docker.InfoAsync(cancellationToken).ConfigureAwait(false), await _docker.VersionAsync(cancellationToken).ConfigureAwait(false));
            }
            catch (DockerException e) when (!cancellationToken.IsCancellationRequested)
            {
                if (attempt % 30 == 0)
                {
                    LogWaitingForDocker(_logger, e.Message);
                }

                await Task.Delay(TimeSpan.FromSeconds(1), _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ConvergeAsync(IReadOnlyCollection<Pod> desired, CancellationToken cancellationToken)
    {
        try
        {
            await Pods.ConvergeAsync(desired, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // Convergence is retried after the next list; a failure must not stop the agent.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogConvergeFailed(_logger, e);
        }
    }

    private async Task<Node> RegisterAsync(JsonObject info, JsonObject version, CancellationToken cancellationToken)
    {
        var path = ResourcePath.For<Node>(name: _options.NodeName);
        while (true)
        {
            try
            {
                var existing = await _client.GetAsync<Node>(path, cancellationToken).ConfigureAwait(false);
                if (existing is null)
                {
                    existing = await _client.CreateAsync(ResourcePath.For<Node>(), new Node
                    {
                        ApiVersion = "v1",
                        Kind = "Node",
                        Metadata = new ObjectMeta { Name = _options.NodeName, Labels = NodeStatusBuilder.Labels(_options) },
                        Spec = new NodeSpec(),
                    }, cancellationToken).ConfigureAwait(false);
                    LogRegistered(_logger, _options.NodeName);
                }
                else
                {
                    var labels = Shim.Model.ModelJson.Serialize(NodeStatusBuilder.Labels(_options));
                    existing = await _client.PatchAsync<Node>(path, KubeClient.MergePatch, "{\"metadata\":{\"labels\":" + labels + "}}", cancellationToken).ConfigureAwait(false);
                }

                _lastStatus = existing.Status;
                return existing;
            }
            catch (ApiError e) when (!cancellationToken.IsCancellationRequested && e.Code is 503 or 504 or 500 or 409)
            {
                LogRegisterRetry(_logger, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The Docker network with the node's podCIDR; null when ready, else why not.</summary>
    private async Task<string?> EnsureNetworkAsync(string? podCidr, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(podCidr))
        {
            return "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:no podCIDR assigned to this node yet";
        }

        if (_networkSubnet == podCidr)
        {
            return null;
        }

        var existing = await _docker.InspectNetworkAsync(_options.NetworkName, cancellationToken).ConfigureAwait(false);
        var subnet = existing?["IPAM"]?["Config"]?.AsArray().FirstOrDefault()?["Subnet"]?.GetValue<string>();
        if (existing is not null && subnet != podCidr)
        {
            LogNetworkReplaced(_logger, _options.NetworkName, subnet ?? "none", podCidr);
            await _docker.RemoveNetworkAsync(_options.NetworkName, cancellationToken).ConfigureAwait(false);
            existing = null;
        }

        if (existing is null)
        {
            await _docker.CreateNetworkAsync(new JsonObject
            {
                ["Name"] = _options.NetworkName,
                ["Driver"] = "bridge",
                ["CheckDuplicate"] = true,
                ["IPAM"] = new JsonObject { ["Config"] = new JsonArray(new JsonObject { ["Subnet"] = podCidr, ["Gateway"] = NodeNetworking.Gateway(podCidr).ToString() }) },
                ["Labels"] = new JsonObject { ["io.shim.node"] = _options.NodeName },
            }, cancellationToken).ConfigureAwait(false);
            LogNetworkCreated(_logger, _options.NetworkName, podCidr);
        }

        _networkSubnet = podCidr;
        return null;
    }


    private async Task HeartbeatAsync(JsonObject info, JsonObject version, string? problem, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        try
        {
            await RenewLeaseAsync(now, cancellationToken).ConfigureAwait(false);
            var status = NodeStatusBuilder.Status(_options, info, version, problem, now, _lastStatus);
            var changed = StatusPatch.Between(WithoutHeartbeats(_lastStatus), WithoutHeartbeats(status)) is not null;
            if (changed || now - _lastStatusWrite > TimeSpan.FromMinutes(1))
            {
                var patch = StatusPatch.Between(_lastStatus, status);
                if (patch is not null)
                {
                    var node = await _client.PatchAsync<Node>(ResourcePath.For<Node>(name: _options.NodeName, subresource: "status"), KubeClient.MergePatch, patch, cancellationToken).ConfigureAwait(false);
                    _lastStatus = node.Status;
                }

                _lastStatusWrite = now;
            }
        }
        catch (ApiError e)
        {
            LogHeartbeatFailed(_logger, e.Message);
            if (e.IsNotFound)
            {
                // The Node was deleted: register again, as the kubelet does.
                await RegisterAsync(info, version, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static NodeStatus? WithoutHeartbeats(NodeStatus? status)
    {
        if (status is null)
        {
            return null;
        }

        var copy = Shim.Model.ModelJson.Deserialize<NodeStatus>(Shim.Model.ModelJson.Serialize(status))!;
        foreach (var condition in copy.Conditions ?? [])
        {
            condition.LastHeartbeatTime = null;
        }

        return copy;
    }

    private async Task RenewLeaseAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var path = ResourcePath.For<Lease>("kube-node-lease", _options.NodeName);
        // The Lease from the last renewal is reused: one request per heartbeat, a fresh read only after a failure.
        var lease = _lease ?? await _client.GetAsync<Lease>(path, cancellationToken).ConfigureAwait(false);
        _lease = null;
        if (lease is null)
        {
            _lease = await _client.CreateAsync(ResourcePath.For<Lease>("kube-node-lease"), new Lease
            {
                ApiVersion = "coordination.k8s.io/v1",
                Kind = "Lease",
                Metadata = new ObjectMeta { Name = _options.NodeName, Namespace = "kube-node-lease" },
                Spec = new LeaseSpec { HolderIdentity = _options.NodeName, LeaseDurationSeconds = 40, RenewTime = now },
            }, cancellationToken).ConfigureAwait(false);
            return;
        }

        lease.Spec ??= new LeaseSpec();
        lease.Spec.HolderIdentity = _options.NodeName;
        lease.Spec.LeaseDurationSeconds = 40;
        lease.Spec.RenewTime = now;
        _lease = await _client.ReplaceAsync(path, lease, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Docker at {Endpoint} (engine {Version}); node {Node}")]
    private static partial void LogDocker(ILogger logger, string endpoint, string version, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for dockerd: {Error}")]
    private static partial void LogWaitingForDocker(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered node {Node}")]
    private static partial void LogRegistered(ILogger logger, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registering the node failed: {Error}; retrying")]
    private static partial void LogRegisterRetry(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pod network {Network} created with subnet {Subnet}")]
    private static partial void LogNetworkCreated(ILogger logger, string network, string subnet);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pod network {Network} had subnet {Old}, the node's podCIDR is {New}: recreating it")]
    private static partial void LogNetworkReplaced(ILogger logger, string network, string old, string @new);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node heartbeat failed: {Error}")]
    private static partial void LogHeartbeatFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Converging this node's containers failed")]
    private static partial void LogConvergeFailed(ILogger logger, Exception exception);
}
