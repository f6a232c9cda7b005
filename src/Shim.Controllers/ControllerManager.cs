using Microsoft.Extensions.Logging;
using Shim.Client;
using Shim.Controllers.NodeIpam;
using Shim.Controllers.Runtime;
using Shim.Model.Core.V1;

namespace Shim.Controllers;

/// <summary>
/// Every controller of the cluster over one set of shared informers, as kube-controller-manager. Built afresh each
/// time this process becomes the leader, so a standby starts from a clean cache.
/// </summary>
public sealed class ControllerManager(KubeClient client, ControllerManagerOptions options, TimeProvider time, ILoggerFactory loggers)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var informers = new SharedInformers(client, loggers);
        var controllers = new List<Func<CancellationToken, Task>>
        {
            new NodeIpamController(client, informers.Get<Node>(), options.ClusterCidr, options.NodeCidrMaskSize, time, loggers.CreateLogger<NodeIpamController>()).RunAsync,
        };

        var running = controllers.Select(run => run(cancellationToken)).Append(informers.RunAsync(cancellationToken)).ToList();
        await FirstFailure(running).ConfigureAwait(false);
    }

    /// <summary>Waits for all; a controller that fails surfaces at once instead of hiding behind the others.</summary>
    private static async Task FirstFailure(List<Task> tasks)
    {
        while (tasks.Count > 0)
        {
            var finished = await Task.WhenAny(tasks).ConfigureAwait(false);
            tasks.Remove(finished);
            if (finished.IsFaulted)
            {
                await finished.ConfigureAwait(false);
            }
        }
    }
}
