using System.Diagnostics;
using System.Text;

namespace Shim.Streaming.Tests.Host;

/// <summary>Runs a real kubectl binary against the fake API server, always bounded by a timeout.</summary>
internal static class KubectlRunner
{
    public static readonly string Kubectl127 = "/usr/lib/google-cloud-sdk/bin/kubectl.1.27";
    public static readonly string Kubectl132 = "/usr/lib/google-cloud-sdk/bin/kubectl.1.32";
    public static readonly string Kubectl135 = "/opt/shim-tools/kubectl-1.35";

    private static readonly string EmptyKubeconfig = CreateEmptyKubeconfig();

    public static ProcessStartInfo StartInfo(string kubectl, Uri server, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        ProcessStartInfo(kubectl, environment, ["--server", server.ToString().TrimEnd('/'), .. arguments]);

    public static ProcessStartInfo ProcessStartInfo(string fileName, IReadOnlyDictionary<string, string> environment, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["KUBECONFIG"] = EmptyKubeconfig;
        start.Environment["HOME"] = Path.GetTempPath();
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        return start;
    }

    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        string kubectl, Uri server, IReadOnlyDictionary<string, string> environment, string? stdin, params string[] arguments) =>
        RunProcessAsync(StartInfo(kubectl, server, environment, arguments), stdin);

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunProcessAsync(ProcessStartInfo start, string? stdin)
    {
        var arguments = start.ArgumentList;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin != null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', arguments)} did not finish in 60 s; stderr so far: {await Drain(stderr)}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    private static async Task<string> Drain(Task<string> output) =>
        await Task.WhenAny(output, Task.Delay(1000)) == output ? await output : "";

    private static string CreateEmptyKubeconfig()
    {
        var path = Path.Combine(Path.GetTempPath(), $"shim-streaming-kubeconfig-{Environment.ProcessId}.yaml");
        File.WriteAllText(path, "apiVersion: v1\nkind: Config\n", Encoding.UTF8);
        return path;
    }
}
