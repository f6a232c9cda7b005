using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
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
        var clusterCidr = new Option<string>("--cluster-cidr") { Description = "Pod IP range; each node gets a slice of it", DefaultValueFactory = _ => "10.244.0.0/16" };
        var nodeMask = new Option<int>("--node-cidr-mask-size") { Description = "Prefix length of each node's pod range", DefaultValueFactory = _ => 24 };
        var grace = new Option<string>("--node-monitor-grace-period") { Description = "How long a node may stay silent before it is marked Unknown (e.g. 40s, 1m)", DefaultValueFactory = _ => "40s" };
        var notReadySeconds = new Option<long>("--default-not-ready-toleration-seconds") { Description = "tolerationSeconds added to pods for the not-ready taint", DefaultValueFactory = _ => 300 };
        var unreachableSeconds = new Option<long>("--default-unreachable-toleration-seconds") { Description = "tolerationSeconds added to pods for the unreachable taint", DefaultValueFactory = _ => 300 };
        var serviceCidr = new Option<string>("--service-cidr") { Description = "IPv4 range Service cluster IPs are allocated from", DefaultValueFactory = _ => "10.96.0.0/12" };
        var nodePortRange = new Option<string>("--service-node-port-range") { Description = "Range node ports are allocated from", DefaultValueFactory = _ => "30000-32767" };
        var advertise = new Option<string>("--advertise-address") { Description = "Address the kubernetes Service's endpoints list for this server (default: the bind address if specific and not loopback, else the host's first non-loopback IPv4)" };
        var agent = AgentCommand.AgentOptions();
        var command = new Command("server", "Run the API server, controllers, scheduler and an agent for the local Docker engine")
        {
            dataDir, store, bind, port, sans, disableAgent, clusterCidr, nodeMask, grace, notReadySeconds, unreachableSeconds,
            serviceCidr, nodePortRange, advertise,
        };
        foreach (var option in agent.All)
        {
            command.Options.Add(option);
        }

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
                DefaultNotReadyTolerationSeconds = result.GetValue(notReadySeconds),
                DefaultUnreachableTolerationSeconds = result.GetValue(unreachableSeconds),
                ServiceCidr = result.GetValue(serviceCidr) ?? "10.96.0.0/12",
                ServiceNodePortRange = result.GetValue(nodePortRange) ?? "30000-32767",
                AdvertiseAddress = result.GetValue(advertise),
                // --cluster-dns is an agent option the server shares: the kube-dns Service's address.
                ClusterDns = agent.ClusterDns(result),
            };
            var clusterDns = options.ClusterDns ?? DefaultClusterDns(options.ServiceCidr);
            var host = options.BindAddress is "0.0.0.0" or "::" ? "127.0.0.1" : options.BindAddress.Contains(':', StringComparison.Ordinal) ? $"[{options.BindAddress}]" : options.BindAddress;
            var controlPlane = new ControlPlaneOptions
            {
                ApiServer = new Uri($"https://{host}:{options.Port}"),
                ClusterCidr = result.GetValue(clusterCidr) ?? "10.244.0.0/16",
                NodeCidrMaskSize = result.GetValue(nodeMask),
                NodeMonitorGracePeriod = ParseDuration(result.GetValue(grace) ?? "40s", "--node-monitor-grace-period"),
                ClusterDns = clusterDns,
                Agent = options.DisableAgent ? null : agent.Read(result, Path.Combine(options.DataDir, "agent")) with { ClusterCidr = result.GetValue(clusterCidr) ?? "10.244.0.0/16" },
            };
            return await RunAsync(options, controlPlane, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(ServerOptions options, ControlPlaneOptions controlPlane, CancellationToken cancellationToken)
    {
        var serilog = ConsoleLogging.Create();
        using var loggerFactory = LoggerFactory.Create(b => b.AddSerilog(serilog));
        var logger = loggerFactory.CreateLogger("shim");
        try
        {
            await using var store = await StoreFactory.OpenAsync(options.Store, cancellationToken).ConfigureAwait(false);
            LogStore(logger, store.Description);
            void Logging(ILoggingBuilder b) => b.AddSerilog(serilog);
            var app = ApiServerHost.Build(options, store, Logging);
            LogListening(logger, options.BindAddress, options.Port, Path.Combine(options.DataDir, "kubeconfig.yaml"));
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, app.Lifetime.ApplicationStopping);
            var ca = app.Services.GetRequiredService<Shim.Api.Security.CertificateAuthority>();
            var components = ControlPlane.RunAsync(controlPlane, ca, loggerFactory, Logging, stopping.Token);
            var finished = await Task.WhenAny(components, app.WaitForShutdownAsync(cancellationToken)).ConfigureAwait(false);
            if (finished == components && components.IsFaulted)
            {
                LogComponentFailed(logger, components.Exception!.GetBaseException());
                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
                return 1;
            }

            await stopping.CancelAsync().ConfigureAwait(false);
            await app.WaitForShutdownAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await components.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped with the server.
            }

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

    /// <summary>The 10th address of the service range (10.96.0.10); a range the server will refuse at startup leaves upstream's default.</summary>
    private static string DefaultClusterDns(string serviceCidr)
    {
        try
        {
            return Shim.Api.ServiceNetwork.ServiceIpRange.Parse(serviceCidr).NthAddress(10).ToString();
        }
        catch (ArgumentException)
        {
            return "10.96.0.10";
        }
    }

    /// <summary>A Go-style duration as the upstream flags take it: a number with unit h, m, s or ms (e.g. 40s, 1m30s).</summary>
    internal static TimeSpan ParseDuration(string text, string flag)
    {
        var match = System.Text.RegularExpressions.Regex.Match(text.Trim(), @"^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$");
        if (text.Trim().Length == 0 || !match.Success)
        {
            throw new ArgumentException($"{flag}: '{text}' is not a duration like 40s or 1m30s");
        }

        int Part(int group) => match.Groups[group].Success ? int.Parse(match.Groups[group].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        return new TimeSpan(0, Part(1), Part(2), Part(3), Part(4));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Store: {Store}")]
    private static partial void LogStore(Microsoft.Extensions.Logging.ILogger logger, string store);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving https://{Address}:{Port}; kubeconfig at {Kubeconfig}")]
    private static partial void LogListening(Microsoft.Extensions.Logging.ILogger logger, string address, int port, string kubeconfig);

    [LoggerMessage(Level = LogLevel.Critical, Message = "A control-plane component failed; stopping the server")]
    private static partial void LogComponentFailed(Microsoft.Extensions.Logging.ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Critical, Message = "shim server failed")]
    private static partial void LogFailed(Microsoft.Extensions.Logging.ILogger logger, Exception ex);
}
