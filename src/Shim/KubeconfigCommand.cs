using System.CommandLine;

namespace Shim;

/// <summary><c>shim kubeconfig --data-dir DIR</c>: prints the admin kubeconfig a server wrote.</summary>
public static class KubeconfigCommand
{
    public static Command Create()
    {
        var dataDir = new Option<string>("--data-dir") { Description = "The server's data directory", Required = true };
        var command = new Command("kubeconfig", "Print the admin kubeconfig of a server's data directory") { dataDir };
        command.SetAction(result =>
        {
            var path = Path.Combine(result.GetRequiredValue(dataDir), "kubeconfig.yaml");
            if (!File.Exists(path))
            {
                Console.Error.WriteLine($"no kubeconfig at {path}: start 'shim server --data-dir ...' first");
                return 1;
            }

            Console.Write(File.ReadAllText(path));
            return 0;
        });
        return command;
    }
}
