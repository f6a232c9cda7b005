using System.CommandLine;
using Shim.Api.Security;

namespace Shim;

/// <summary>
/// <c>shim kubeconfig --data-dir DIR</c>: prints the admin kubeconfig a server wrote; with <c>--node NAME</c>, a
/// kubeconfig for an agent (user system:node:NAME in group system:nodes) issued by the server's CA.
/// </summary>
public static class KubeconfigCommand
{
    public static Command Create()
    {
        var dataDir = new Option<string>("--data-dir") { Description = "The server's data directory", Required = true };
        var node = new Option<string>("--node") { Description = "Issue credentials for the agent of this node instead" };
        var server = new Option<string>("--server") { Description = "API server URL to write (default: the admin kubeconfig's)" };
        var command = new Command("kubeconfig", "Print a kubeconfig for a server's data directory") { dataDir, node, server };
        command.SetAction(result =>
        {
            var dir = result.GetRequiredValue(dataDir);
            var path = Path.Combine(dir, "kubeconfig.yaml");
            if (!File.Exists(path))
            {
                Console.Error.WriteLine($"no kubeconfig at {path}: start 'shim server --data-dir ...' first");
                return 1;
            }

            var url = result.GetValue(server) ?? Shim.Client.ClientCredentials.FromKubeconfig(path).Server.ToString().TrimEnd('/');
            if (result.GetValue(node) is not { Length: > 0 } nodeName)
            {
                var admin = File.ReadAllText(path);
                Console.Write(result.GetValue(server) is null ? admin : admin.Replace(Shim.Client.ClientCredentials.FromKubeconfig(path).Server.ToString().TrimEnd('/'), url, StringComparison.Ordinal));
                return 0;
            }

            var ca = CertificateAuthority.LoadOrCreate(Path.Combine(dir, "tls"));
            var (cert, key) = ca.ClientCertificate("node-" + nodeName, "system:node:" + nodeName, ["system:nodes"]);
            Console.Write(Kubeconfig.Render(url, ca.CertificatePem, cert, key));
            return 0;
        });
        return command;
    }
}
