using Microsoft.Extensions.Logging;
using Shim.Agent;
using Shim.Api.Security;
using Shim.Client;
using Shim.Controllers.NodeIpam;
using Shim.Model.Core.V1;
using Shim.Scheduler.Service;

namespace Shim;

/// <summary>
/// What runs beside the API server in <c>shim server</c>: controllers, the scheduler and (unless disabled) an agent
/// for the local Docker engine. Each is an API client with its own identity, exactly as if it ran elsewhere.
/// </summary>
public static class ControlPlane
{
    public static async Task RunAsync(ControlPlaneOptions options, CertificateAuthority ca, ILoggerFactory loggers, Action<ILoggingBuilder> logging, CancellationToken cancellationToken)
    {
        var tasks = new List<Task>();
        using var controllerClient = new KubeClient(Credentials(options, ca, "controller-manager", "system:kube-controller-manager", []), "shim-controller-manager");
        var nodes = new Informer<Node>(controllerClient, loggers.CreateLogger("informer.nodes"));
        var ipam = new NodeIpamController(controllerClient, nodes, options.ClusterCidr, options.NodeCidrMaskSize, TimeProvider.System, loggers.CreateLogger<NodeIpamController>());
        tasks.Add(nodes.RunAsync(cancellationToken));
        tasks.Add(ipam.RunAsync(cancellationToken));

        using var schedulerClient = new KubeClient(Credentials(options, ca, "scheduler", "system:kube-scheduler", []), "shim-scheduler");
        await using var schedulerEvents = new EventRecorder(schedulerClient, "default-scheduler", Environment.MachineName, TimeProvider.System, loggers.CreateLogger<EventRecorder>());
        var scheduler = new SchedulerService(schedulerClient, schedulerEvents, loggers, TimeProvider.System);
        tasks.Add(scheduler.RunAsync(cancellationToken));

        if (options.Agent is { } agent)
        {
            var credentials = Credentials(options, ca, "node-" + agent.NodeName, "system:node:" + agent.NodeName, ["system:nodes"]);
            tasks.Add(AgentHost.RunAsync(agent, credentials, loggers, logging, cancellationToken));
        }

        await WhenAllOrFirstFailure(tasks).ConfigureAwait(false);
    }

    private static ClientCredentials Credentials(ControlPlaneOptions options, CertificateAuthority ca, string fileStem, string user, string[] groups) =>
        new(options.ApiServer, ca.Certificate, ca.LoadClientCertificate(fileStem, user, groups), null);

    /// <summary>A component that fails stops the server loudly instead of leaving a silently dead loop.</summary>
    private static async Task WhenAllOrFirstFailure(List<Task> tasks)
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
