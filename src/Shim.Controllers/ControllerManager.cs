using Microsoft.Extensions.Logging;
using Shim.Client;
using Shim.Controllers.Autoscaling;
using Shim.Controllers.CronJob;
using Shim.Controllers.DaemonSet;
using Shim.Controllers.Deployments;
using Shim.Controllers.Disruption;
using Shim.Controllers.Endpoints;
using Shim.Controllers.EndpointSlices;
using Shim.Controllers.Job;
using Shim.Controllers.NodeIpam;
using Shim.Controllers.Namespace;
using Shim.Controllers.NodeLifecycle;
using Shim.Controllers.ReplicaSets;
using Shim.Controllers.Runtime;
using Shim.Controllers.ServiceAccount;
using Shim.Controllers.ServiceLoadBalancer;
using Shim.Controllers.StatefulSet;
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
        var recorders = new List<EventRecorder>();
        EventRecorder Events(string component)
        {
            var recorder = new EventRecorder(client, component, Environment.MachineName, time, loggers.CreateLogger<EventRecorder>());
            recorders.Add(recorder);
            return recorder;
        }

        using var garbageCollector = new GarbageCollector.GarbageCollector(client, time, loggers);
        using var namespaces = new NamespaceController(client, informers, time, loggers);
        var lifecycle = new NodeLifecycleOptions { NodeMonitorGracePeriod = options.NodeMonitorGracePeriod, NodeStartupGracePeriod = options.NodeStartupGracePeriod };
        var controllers = new List<Func<CancellationToken, Task>>
        {
            new NodeIpamController(client, informers.Get<Node>(), options.ClusterCidr, options.NodeCidrMaskSize, time, loggers.CreateLogger<NodeIpamController>()).RunAsync,
            new NodeLifecycleController(client, informers, Events("node-controller"), time, loggers, lifecycle).RunAsync,
            new DisruptionController(client, informers, Events("controllermanager"), time, loggers).RunAsync,
            garbageCollector.RunAsync,
            namespaces.RunAsync,
            new ServiceAccountsController(client, informers, time, loggers).RunAsync,
            new RootCaPublisher(client, informers, options.RootCaPem, time, loggers).RunAsync,
            new ReplicaSetController(client, informers, Events("replicaset-controller"), time, loggers).RunAsync,
            new DeploymentController(client, informers, Events("deployment-controller"), time, loggers).RunAsync,
            new JobController(client, informers, Events("job-controller"), time, loggers).RunAsync,
            new CronJobController(client, informers, Events("cronjob-controller"), time, loggers).RunAsync,
            new HorizontalPodAutoscalerController(client, informers, Events("horizontal-pod-autoscaler"), time, loggers).RunAsync,
            new StatefulSetController(client, informers, Events("statefulset-controller"), time, loggers).RunAsync,
            new DaemonSetController(client, informers, Events("daemonset-controller"), time, loggers).RunAsync,
            new EndpointsController(client, informers, Events("endpoint-controller"), time, loggers).RunAsync,
            new EndpointSliceController(client, informers, Events("endpoint-slice-controller"), time, loggers).RunAsync,
            new ServiceLoadBalancerController(client, informers, Events("service-lb-controller"), time, loggers).RunAsync,
        };

        try
        {
            var running = controllers.Select(run => run(cancellationToken)).Append(informers.RunAsync(cancellationToken)).ToList();
            await FirstFailure(running).ConfigureAwait(false);
        }
        finally
        {
            foreach (var recorder in recorders)
            {
                await recorder.DisposeAsync().ConfigureAwait(false);
            }
        }
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
