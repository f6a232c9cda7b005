using System.CommandLine;
using Microsoft.Extensions.Logging;
using Serilog;
using Shim.Agent;
using Shim.Agent.Network;
using Shim.Client;

namespace Shim;

/// <summary><c>shim agent</c>: joins this Docker host to a cluster as a node.</summary>
public static partial class AgentCommand
{
    public static Command Create()
    {
        var server = new Option<string>("--server") { Description = "API server URL (default: the kubeconfig's)" };
        var kubeconfig = new Option<string>("--kubeconfig") { Description = "Credentials to reach the API server (e.g. from 'shim kubeconfig --node NAME'); required unless --cleanup" };
        var dataDir = new Option<string>("--data-dir") { Description = "Directory for pod volumes", DefaultValueFactory = _ => "/var/lib/shim/agent" };
        var clusterCidr = new Option<string>("--cluster-cidr") { Description = "Pod IP range of the whole cluster (as the server's --cluster-cidr)", DefaultValueFactory = _ => "10.244.0.0/16" };
        var cleanup = new Option<bool>("--cleanup") { Description = "Remove the pod routes and iptables rules an agent installed on this host, then exit" };
        var agent = AgentOptions();
        var command = new Command("agent", "Run a node agent for a Docker engine") { server, kubeconfig, dataDir, clusterCidr, cleanup };
        foreach (var option in agent.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (result, cancellationToken) =>
        {
            var options = agent.Read(result, Path.GetFullPath(result.GetValue(dataDir)!)) with { ClusterCidr = result.GetValue(clusterCidr)! };
            if (result.GetValue(cleanup))
            {
                using var quiet = LoggerFactory.Create(b => b.AddSerilog(ConsoleLogging.Create()));
                await NodeNetworking.CleanupAsync(options, quiet, cancellationToken).ConfigureAwait(false);
                return 0;
            }

            if (result.GetValue(kubeconfig) is not { Length: > 0 } kubeconfigPath)
            {
                await Console.Error.WriteLineAsync("shim agent: --kubeconfig is required").ConfigureAwait(false);
                return 2;
            }

            var credentials = ClientCredentials.FromKubeconfig(kubeconfigPath);
            if (result.GetValue(server) is { Length: > 0 } url)
            {
                credentials = credentials with { Server = new Uri(url) };
            }

            var serilog = ConsoleLogging.Create();
            using var loggers = LoggerFactory.Create(b => b.AddSerilog(serilog));
            var logger = loggers.CreateLogger("shim-agent");
            try
            {
                await AgentHost.RunAsync(options, credentials, loggers, b => b.AddSerilog(serilog), cancellationToken).ConfigureAwait(false);
                return 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return 0;
            }
#pragma warning disable CA1031 // The agent's failure ends the process with a message.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogFailed(logger, ex);
                return 1;
            }
            finally
            {
                await serilog.DisposeAsync().ConfigureAwait(false);
            }
        });
        return command;
    }

    /// <summary>The options a node agent takes, shared by <c>shim agent</c> and the agent embedded in <c>shim server</c>.</summary>
    public static AgentOptionSet AgentOptions() => new();

    [LoggerMessage(Level = LogLevel.Critical, Message = "shim agent failed")]
    private static partial void LogFailed(Microsoft.Extensions.Logging.ILogger logger, Exception ex);
}
