using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Shim.Client;
using Shim.Model.Core.V1;

namespace Shim.Agent.Network;

/// <summary>
/// A node's part of the pod network: host-gw routes to the other nodes' pods, kept in step with the agent's node
/// informer. (The service proxy and the node-local cluster DNS join here; see the service networking issue.)
/// </summary>
public sealed partial class NodeNetworking
{
    private readonly Informer<Node> _nodes;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly PodRoutes _routes;
    private readonly Channel<bool> _nodesChanged = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Subscribes to <paramref name="nodes"/>; call before it runs.</summary>
    public NodeNetworking(AgentOptions options, Informer<Node> nodes, ILoggerFactory loggers, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(loggers);
        _nodes = nodes;
        _logger = loggers.CreateLogger<NodeNetworking>();
        _time = time;
        _routes = new PodRoutes(options.NodeName, [], loggers.CreateLogger<PodRoutes>());
        nodes.OnChange(_ => _nodesChanged.Writer.TryWrite(true));
        nodes.OnListed(_ => _nodesChanged.Writer.TryWrite(true));
    }

    /// <summary>Reconciles the routes after every change of the nodes, until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
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

    /// <summary>Removes what an agent installed on this host (<c>shim agent --cleanup</c>).</summary>
    public static Task CleanupAsync(AgentOptions options, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        return new PodRoutes(options.NodeName, [], loggers.CreateLogger<PodRoutes>()).CleanupAsync(cancellationToken);
    }

    /// <summary>The first address of a pod range: the Docker bridge's own address on its node.</summary>
    public static System.Net.IPAddress Gateway(string podCidr)
    {
        ArgumentNullException.ThrowIfNull(podCidr);
        var address = System.Net.IPAddress.Parse(podCidr[..podCidr.IndexOf('/', StringComparison.Ordinal)]).GetAddressBytes();
        address[^1] = 1;
        return new System.Net.IPAddress(address);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pod routes not reconciled: {Error}")]
    private static partial void LogRoutesFailed(ILogger logger, string error);
}
