using System.CommandLine;
using Microsoft.Extensions.Logging;
using Serilog;
using Shim.Agent;
using Shim.Client;

namespace Shim;

/// <summary><c>shim agent</c>: joins this Docker host to a cluster as a node.</summary>
public static partial class AgentCommand
{
    public static Command Create()
    {
        var server = new Option<string>("--server") { Description = "API server URL (default: the kubeconfig's)" };
        var kubeconfig = new Option<string>("--kubeconfig") { Description = "Credentials to reach the API server (e.g. from 'shim kubeconfig --node NAME')", Required = true };
        var dataDir = new Option<string>("--data-dir") { Description = "Directory for pod volumes", DefaultValueFactory = _ => "/var/lib/shim/agent" };
        var agent = AgentOptions();
        var command = new Command("agent", "Run a node agent for a Docker engine") { server, kubeconfig, dataDir };
        foreach (var option in agent.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (result, cancellationToken) =>
        {
            var options = agent.Read(result, Path.GetFullPath(result.GetValue(dataDir)!));
            var credentials = ClientCredentials.FromKubeconfig(result.GetRequiredValue(kubeconfig));
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
