using System.Net;
using Microsoft.Extensions.Logging;
using Shim.Client;
using Shim.Model.Core.V1;

namespace Shim.Controllers.NodeIpam;

/// <summary>
/// Gives every node a spec.podCIDR: the lowest free /24 (by default) of the cluster CIDR, as upstream's node IPAM
/// controller with the range allocator. The agent builds its pod network from it, so pod IPs are unique in the fleet.
/// </summary>
public sealed partial class NodeIpamController
{
    private readonly KubeClient _client;
    private readonly Informer<Node> _nodes;
    private readonly WorkQueue _queue;
    private readonly ILogger _logger;
    private readonly uint _clusterBase;
    private readonly int _clusterPrefix;
    private readonly int _nodePrefix;

    public NodeIpamController(KubeClient client, Informer<Node> nodes, string clusterCidr, int nodeMaskSize, TimeProvider time, ILogger<NodeIpamController> logger)
    {
        _client = client;
        _nodes = nodes;
        _logger = logger;
        _queue = new WorkQueue(time);
        (_clusterBase, _clusterPrefix) = Parse(clusterCidr);
        _nodePrefix = nodeMaskSize;
        if (_nodePrefix < _clusterPrefix || _nodePrefix > 30)
        {
            throw new ArgumentException($"node mask size /{_nodePrefix} does not fit in cluster CIDR {clusterCidr}");
        }

        nodes.OnAdd(n => _queue.Add(n.Metadata!.Name!));
        nodes.OnUpdate((_, n) => _queue.Add(n.Metadata!.Name!));
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await _nodes.Synced.WaitAsync(cancellationToken).ConfigureAwait(false);
        while (!cancellationToken.IsCancellationRequested)
        {
            var name = await _queue.TakeAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await SyncAsync(name, cancellationToken).ConfigureAwait(false);
                _queue.Forget(name);
            }
            catch (ApiError e)
            {
                LogSyncFailed(_logger, name, e.Message);
                _queue.Retry(name);
            }
        }
    }

    private async Task SyncAsync(string name, CancellationToken cancellationToken)
    {
        var node = _nodes.Get(null, name);
        if (node is null || !string.IsNullOrEmpty(node.Spec?.PodCIDR))
        {
            return;
        }

        var used = _nodes.List().Select(n => n.Spec?.PodCIDR).Where(c => !string.IsNullOrEmpty(c)).ToHashSet(StringComparer.Ordinal);
        var count = 1u << (_nodePrefix - _clusterPrefix);
        for (var i = 0u; i < count; i++)
        {
            var cidr = $"{ToAddress(_clusterBase + (i << (32 - _nodePrefix)))}/{_nodePrefix}";
            if (used.Contains(cidr))
            {
                continue;
            }

            var patch = "{\"spec\":{\"podCIDR\":\"" + cidr + "\",\"podCIDRs\":[\"" + cidr + "\"]}}";
            await _client.PatchAsync<Node>(ResourcePath.For<Node>(name: name), KubeClient.MergePatch, patch, cancellationToken).ConfigureAwait(false);
            LogAllocated(_logger, cidr, name);
            return;
        }

        LogExhausted(_logger, name);
    }

    private static (uint Base, int Prefix) Parse(string cidr)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        var bytes = IPAddress.Parse(cidr[..slash]).GetAddressBytes();
        var prefix = int.Parse(cidr[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var value = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
        var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
        return (value & mask, prefix);
    }

    private static string ToAddress(uint value) => $"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}";

    [LoggerMessage(Level = LogLevel.Information, Message = "Allocated podCIDR {Cidr} to node {Node}")]
    private static partial void LogAllocated(ILogger logger, string cidr, string node);

    [LoggerMessage(Level = LogLevel.Error, Message = "No podCIDR left for node {Node}: the cluster CIDR is exhausted")]
    private static partial void LogExhausted(ILogger logger, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Allocating a podCIDR for node {Node} failed: {Error}; retrying")]
    private static partial void LogSyncFailed(ILogger logger, string node, string error);
}
