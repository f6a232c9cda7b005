using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Shim.Agent.Dns;
using Shim.Agent.Proxy;
using Shim.Agent.Services;
using Shim.Client;
using Shim.Model.Core.V1;

namespace Shim.Agent.Network;

/// <summary>
/// A node's part of the service network: host-gw routes to the other nodes' pods, the iptables service proxy, and
/// the node-local cluster DNS server (published as an endpoint of kube-system/kube-dns). Fed by the agent's node
/// informer and service catalog; starts the proxy and DNS once the node has its podCIDR.
/// </summary>
public sealed partial class NodeNetworking
{
    private readonly AgentOptions _options;
    private readonly KubeClient _client;
    private readonly InformerServiceCatalog _catalog;
    private readonly Informer<Node> _nodes;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly PodRoutes _routes;
    private readonly Channel<bool> _nodesChanged = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly TaskCompletionSource<Node> _podCidrAssigned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ServiceProxier? _proxier;
    private ClusterDnsServer? _dns;

    /// <summary>Subscribes to <paramref name="nodes"/> and <paramref name="catalog"/>; call before either runs.</summary>
    public NodeNetworking(AgentOptions options, KubeClient client, InformerServiceCatalog catalog, Informer<Node> nodes, ILoggerFactory loggers, TimeProvider time)
    {
        _options = options;
        _client = client;
        _catalog = catalog;
        _nodes = nodes;
        _loggers = loggers;
        _logger = loggers.CreateLogger<NodeNetworking>();
        _time = time;
        _routes = new PodRoutes(options.NodeName, [], loggers.CreateLogger<PodRoutes>());
        nodes.OnChange(OnNodeChanged);
        nodes.OnListed(_ => _nodesChanged.Writer.TryWrite(true));
        catalog.OnChange(() =>
        {
            Volatile.Read(ref _proxier)?.RequestSync();
            Volatile.Read(ref _dns)?.Invalidate();
        });
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var routes = KeepRoutesAsync(cancellationToken);
        var node = await _podCidrAssigned.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        var podCidr = node.Spec!.PodCIDR!;
        var proxier = new ServiceProxier(ProxierOptions(_options, podCidr), _catalog, _loggers.CreateLogger<ServiceProxier>(), _time);
        var dns = new ClusterDnsServer(new ClusterDnsOptions { ClusterDomain = _options.ClusterDomain, ResolvConf = _options.ResolvConf }, _catalog, _loggers.CreateLogger<ClusterDnsServer>(), _time);
        Volatile.Write(ref _proxier, proxier);
        Volatile.Write(ref _dns, dns);
        proxier.RequestSync();
        await Task.WhenAll(routes, proxier.RunAsync(cancellationToken), ServeDnsAsync(dns, node, Gateway(podCidr), cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Removes the routes and iptables rules an agent installed (<c>shim agent --cleanup</c>).</summary>
    public static async Task CleanupAsync(AgentOptions options, ILoggerFactory loggers, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        await new PodRoutes(options.NodeName, [], loggers.CreateLogger<PodRoutes>()).CleanupAsync(cancellationToken).ConfigureAwait(false);
        await new ServiceProxier(ProxierOptions(options, null), new EmptyCatalog(), loggers.CreateLogger<ServiceProxier>(), time).CleanupAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The first address of the pod network: the Docker bridge's own address on this node.</summary>
    public static IPAddress Gateway(string podCidr)
    {
        var address = IPAddress.Parse(podCidr[..podCidr.IndexOf('/', StringComparison.Ordinal)]).GetAddressBytes();
        address[^1] = 1;
        return new IPAddress(address);
    }

    private static ProxierOptions ProxierOptions(AgentOptions options, string? podCidr) => new()
    {
        NodeName = options.NodeName,
        ClusterCidr = options.ClusterCidr,
        PodCidr = podCidr,
    };

    private void OnNodeChanged(Node node)
    {
        _nodesChanged.Writer.TryWrite(true);
        if (node.Metadata?.Name == _options.NodeName && !string.IsNullOrEmpty(node.Spec?.PodCIDR) && node.Metadata.DeletionTimestamp is null)
        {
            _podCidrAssigned.TrySetResult(node);
        }
    }

    private async Task KeepRoutesAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var _ in _nodesChanged.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await _routes.ReconcileAsync(_nodes.List(), cancellationToken).ConfigureAwait(false);
                }
                catch (IOException e)
                {
                    LogRoutesFailed(_logger, e.Message);
                    await Task.Delay(TimeSpan.FromSeconds(1), _time, cancellationToken).ConfigureAwait(false);
                    _nodesChanged.Writer.TryWrite(true);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Serves DNS on the gateway address (it appears when the agent creates the pod network) and, once listening,
    /// publishes it as this node's kube-dns endpoint.
    /// </summary>
    private async Task ServeDnsAsync(ClusterDnsServer dns, Node node, IPAddress gateway, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var serving = dns.RunAsync(gateway, NodeDnsSlice.Port, cancellationToken);
                if (!serving.IsFaulted)
                {
                    await Task.WhenAll(serving, PublishDnsAsync(node, gateway, cancellationToken)).ConfigureAwait(false);
                    return;
                }

                LogDnsRetry(_logger, gateway.ToString(), serving.Exception!.InnerException!.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task PublishDnsAsync(Node node, IPAddress gateway, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await NodeDnsSlice.ApplyAsync(_client, _nodes.Get(null, _options.NodeName) ?? node, gateway.ToString(), cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is ApiError or HttpRequestException)
            {
                LogDnsSliceRetry(_logger, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private sealed class EmptyCatalog : IServiceCatalog
    {
        public IReadOnlyCollection<Service> Services() => [];

        public IReadOnlyCollection<Shim.Model.Discovery.V1.EndpointSlice> EndpointSlices() => [];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pod routes not reconciled: {Error}")]
    private static partial void LogRoutesFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster DNS on {Address}:53 not up yet: {Error}; retrying")]
    private static partial void LogDnsRetry(ILogger logger, string address, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing this node's kube-dns endpoint failed: {Error}; retrying")]
    private static partial void LogDnsSliceRetry(ILogger logger, string error);
}
