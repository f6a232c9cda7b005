using System.CommandLine;
using Shim;

var root = new RootCommand("shim: a Kubernetes-compatible control plane for Docker hosts")
{
    ServerCommand.Create(),
    AgentCommand.Create(),
    KubeconfigCommand.Create(),
};
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
