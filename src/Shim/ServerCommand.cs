using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Shim.Api.Hosting;

namespace Shim;

/// <summary><c>shim server</c>: the API server (and, later, controllers, scheduler and the local agent).</summary>
public static partial class ServerCommand
{
    public static Command Create()
    {
        var dataDir = new Option<string>("--data-dir") { Description = "Directory for certificates, tokens and kubeconfig.yaml", Required = true };
        var store = new Option<string>("--store") { Description = "memory (embedded, default) or redis://HOST:PORT[/PREFIX]", DefaultValueFactory = _ => "memory" };
        var bind = new Option<string>("--bind-address") { Description = "Address to serve on", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "HTTPS port", DefaultValueFactory = _ => 6443 };
        var sans = new Option<string[]>("--tls-san") { Description = "Extra IP or DNS name for the serving certificate", AllowMultipleArgumentsPerToken = false };
        var disableAgent = new Option<bool>("--disable-agent") { Description = "Do not run a node agent for the local Docker engine" };
        var command = new Command("server", "Run the API server") { dataDir, store, bind, port, sans, disableAgent };
        command.SetAction(async (result, cancellationToken) =>
        {
            var options = new ServerOptions
            {
                DataDir = Path.GetFullPath(result.GetRequiredValue(dataDir)),
                Store = result.GetValue(store) ?? "memory",
                BindAddress = result.GetValue(bind) ?? "127.0.0.1",
                Port = result.GetValue(port),
                TlsSans = result.GetValue(sans) ?? [],
                DisableAgent = result.GetValue(disableAgent),
            };
            return await RunAsync(options, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(ServerOptions options, CancellationToken cancellationToken)
    {
        var serilog = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", Serilog.Events.LogEventLevel.Warning)
            .WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}")
            .CreateLogger();
        using var loggerFactory = LoggerFactory.Create(b => b.AddSerilog(serilog));
        var logger = loggerFactory.CreateLogger("shim");
        try
        {
            await using var store = await StoreFactory.OpenAsync(options.Store, cancellationToken).ConfigureAwait(false);
            LogStore(logger, store.Description);
            var app = ApiServerHost.Build(options, store, b => b.AddSerilog(serilog));
            if (!options.DisableAgent)
            {
                LogNoAgent(logger);
            }

            LogListening(logger, options.BindAddress, options.Port, Path.Combine(options.DataDir, "kubeconfig.yaml"));
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }
#pragma warning disable CA1031 // Startup failures end the process with a message instead of a stack dump.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogFailed(logger, ex);
            return 1;
        }
        finally
        {
            await serilog.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Store: {Store}")]
    private static partial void LogStore(Microsoft.Extensions.Logging.ILogger logger, string store);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving https://{Address}:{Port}; kubeconfig at {Kubeconfig}")]
    private static partial void LogListening(Microsoft.Extensions.Logging.ILogger logger, string address, int port, string kubeconfig);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No node agent yet: pods are stored and scheduled nowhere until the Docker agent lands")]
    private static partial void LogNoAgent(Microsoft.Extensions.Logging.ILogger logger);

    [LoggerMessage(Level = LogLevel.Critical, Message = "shim server failed")]
    private static partial void LogFailed(Microsoft.Extensions.Logging.ILogger logger, Exception ex);
}
