using Microsoft.Extensions.Logging;
using Shim.Agent;
using Shim.Api.Security;
using Shim.Client;
using Shim.Controllers;
using Shim.Controllers.Runtime;
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
        var identity = $"{Environment.MachineName}_{Guid.NewGuid():N}";
        using var controllerClient = new KubeClient(Credentials(options, ca, "controller-manager", "system:kube-controller-manager", []), "kube-controller-manager");
        var controllers = new ControllerManager(controllerClient, new ControllerManagerOptions
        {
            RootCaPem = ca.CertificatePem,
            ClusterCidr = options.ClusterCidr,
            NodeCidrMaskSize = options.NodeCidrMaskSize,
            NodeMonitorGracePeriod = options.NodeMonitorGracePeriod,
        }, TimeProvider.System, loggers);
        tasks.Add(Elector(controllerClient, "kube-controller-manager", identity, loggers).RunAsync(controllers.RunAsync, cancellationToken));

        using var schedulerClient = new KubeClient(Credentials(options, ca, "scheduler", "system:kube-scheduler", []), "kube-scheduler");
        tasks.Add(Elector(schedulerClient, "kube-scheduler", identity, loggers).RunAsync(
            async ct =>
            {
                await using var events = new EventRecorder(schedulerClient, "default-scheduler", Environment.MachineName, TimeProvider.System, loggers.CreateLogger<EventRecorder>());
                await new SchedulerService(schedulerClient, events, loggers, TimeProvider.System).RunAsync(ct).ConfigureAwait(false);
            },
            cancellationToken));

        if (options.Agent is { } agent)
        {
            var credentials = Credentials(options, ca, "node-" + agent.NodeName, "system:node:" + agent.NodeName, ["system:nodes"]);
            tasks.Add(AgentHost.RunAsync(agent, credentials, loggers, logging, cancellationToken));
        }

        await WhenAllOrFirstFailure(tasks).ConfigureAwait(false);
    }

    /// <summary>Controllers and scheduler act only while this server holds their Lease in kube-system (several servers may share one Redis).</summary>
    private static LeaderElector Elector(KubeClient client, string lease, string identity, ILoggerFactory loggers) =>
        new(client, "kube-system", lease, identity, LeaderElectionTimings.Default, TimeProvider.System, loggers.CreateLogger("leader-election." + lease));

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
