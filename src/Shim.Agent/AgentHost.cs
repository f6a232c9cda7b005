using Microsoft.Extensions.Logging;
using Shim.Agent.Server;
using Shim.Client;
using Shim.Docker;

namespace Shim.Agent;

/// <summary>Runs a whole agent: the node agent (node, lease, pods) and its HTTPS server for logs/exec/port-forward.</summary>
public static class AgentHost
{
    public static async Task RunAsync(AgentOptions options, ClientCredentials credentials, ILoggerFactory loggers, Action<ILoggingBuilder> logging, CancellationToken cancellationToken)
    {
        using var client = new KubeClient(credentials, $"shim-agent/{options.NodeName}");
        using var docker = new DockerClient(options.DockerEndpoint);
        await using var agent = new NodeAgent(options, client, docker, loggers, TimeProvider.System);
        var ca = credentials.CertificateAuthority ?? throw new InvalidOperationException("the kubeconfig has no certificate-authority: the agent needs it to authenticate the API server");
        await using var server = AgentServer.Build(options, ca, agent.Pods, docker, logging);
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await agent.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await server.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The first IPv4 address of an interface that is up and not loopback (the node's InternalIP by default).</summary>
    public static string DefaultNodeIp()
    {
        var address = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up
                && i.NetworkInterfaceType != System.Net.NetworkInformation.NetworkInterfaceType.Loopback
                && !i.Name.StartsWith("docker", StringComparison.Ordinal) && !i.Name.StartsWith("br-", StringComparison.Ordinal)
                && !i.Name.StartsWith("veth", StringComparison.Ordinal))
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
        return address?.ToString() ?? "127.0.0.1";
    }
}
